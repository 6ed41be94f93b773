const plural = new Intl.PluralRules("en");

/** "1 day", "6 days": the count with the noun in its English plural form. */
function count(n: number, one: string, other: string): string {
  return `${n} ${plural.select(n) === "one" ? one : other}`;
}

/**
 * Every word of the UI in English, grouped by the component that shows it. A message with
 * values in it is a function of them; the text from the Rust side (errors, check results,
 * audit messages, target names) arrives as an argument, untranslated.
 */
export const en = {
  /** Words more than one component shows, worded once. */
  common: {
    signIn: "Sign in",
  },
  app: {
    tagline: "One sign-in, every cloud console",
    loadingTargets: "Loading your targets…",
    startingDemo: "Starting the demo cloud and signing in…",
    demoCloud: "Demo cloud",
    diagnostics: "Diagnostics",
    thisMachine: "This machine",
    checksFailed: (error: string) => `Kumo could not run its checks: ${error}`,
    checking: "Checking config, keychain, browser and endpoints…",
  },
  doctor: {
    healthy: "Everything Kumo needs is in place.",
    unhealthy: "Something needs your attention.",
    passed: "passed",
    failed: "failed",
    whatToDo: "What to do:",
  },
  onboarding: {
    welcome: "Welcome to Kumo",
    intro:
      "Sign in once with your company identity; Kumo finds every AWS account and role, Azure subscription and Google Cloud project you can open. Tell it where they are, or look around on a demo cloud first.",
    tryDemo: "Try the demo",
    companyIdentity: "Company identity (Google or any OpenID Connect issuer)",
    issuer: "Issuer",
    clientId: "Client ID",
    clientSecret: "Client secret",
    hostedDomain: "Hosted domain",
    awsOrg: "AWS IAM Identity Center",
    name: "Name",
    startUrl: "Start URL",
    region: "Region",
    addAwsOrg: "Add an AWS org",
    azureTenant: "Azure tenant",
    tenant: "Tenant",
    addAzureTenant: "Add an Azure tenant",
    saving: "Saving…",
    saveAndContinue: "Save and continue",
  },
  mainScreen: {
    upToDate: (targets: number) => `Up to date: ${count(targets, "target", "targets")}.`,
    changes: (added: number, removed: number) => `${added} added, ${removed} removed.`,
    refreshFailed: (error: string) => `Refreshing failed: ${error}`,
    elevateFailed: (id: string, error: string) => `Could not elevate ${id}: ${error}`,
    opening: (name: string) => `Opening the console of ${name}…`,
    opened: (name: string) => `Opened the console of ${name}.`,
    openFailed: (id: string, error: string) => `Could not open ${id}: ${error}`,
    copied: (name: string) =>
      `Copied the credential exports of ${name}; they are on the clipboard, not on screen, kept out of clipboard history and cleared in 45 s.`,
    copyFailed: (id: string, error: string) => `Could not copy exports for ${id}: ${error}`,
    exported: (path: string, profile: string) => `Wrote ${path}: use it with \`aws --profile ${profile}\`.`,
    exportFailed: (id: string, error: string) => `Could not export ${id}: ${error}`,
    aliasSet: (id: string, alias: string) => `${id} is now “${alias}”.`,
    aliasRemoved: (id: string) => `Removed the alias of ${id}.`,
    aliasFailed: (error: string) => `Could not set the alias: ${error}`,
    colourFailed: (error: string) => `Could not set the colour: ${error}`,
    starFailed: (id: string, error: string) => `Could not star ${id}: ${error}`,
    signInToFailed: (name: string, error: string) => `Signing in to ${name} failed: ${error}`,
    elevationEnded: (name: string) => `Ended the elevation of ${name}.`,
    endElevationFailed: (id: string, error: string) => `Could not end the elevation of ${id}: ${error}`,
    signInFailed: (error: string) => `Signing in failed: ${error}`,
    signedOutOf: (provider: string, name: string) => `Signed out of ${provider} ${name}.`,
    signedOutOfEverything: "Signed out of everything.",
    signOutFailed: (error: string) => `Signing out failed: ${error}`,
    endpointOverrides: (overrides: number) =>
      `${count(overrides, "endpoint override", "endpoint overrides")} in effect: they receive your sign-in tokens and credentials (Diagnostics lists them).`,
    /** Before the principal, which the screen shows in bold… */
    signedInAs: (provider: string, name: string) => `${provider} ${name} is signed in as`,
    /** …and after it. */
    notTheCompanyIdentity: ", not as the company identity: sign out of it and sign in again as yourself.",
    searchPlaceholder: "Search accounts, roles, subscriptions, projects…",
    searchLabel: "Search targets",
    refresh: "Refresh",
    refreshing: "Refreshing…",
    refreshingProgress: (done: number, total: number) => `Refreshing: ${done} of ${total}`,
    nothingListed: "Nothing listed yet: sign in above, then Refresh.",
    activity: "Activity",
    startAtLogin: "Start at login",
    shown: (found: number, total: number) => `${found} of ${total}`,
    keyHints: "↑↓ select · Enter open · Ctrl+E copy exports · Ctrl+S star",
  },
  sessions: {
    signInAgain: (provider: string, who: string) =>
      `Sign in to ${provider} ${who} again: Kumo cannot renew it by itself.`,
    /** `when` is `time.signInWhen`'s. */
    signInDue: (provider: string, who: string, when: string) =>
      `Sign in to ${provider} ${who} ${when}: Kumo renews it by itself only until its client registration ends.`,
    cannotReachToRenew: (provider: string, who: string) =>
      `Kumo cannot reach ${provider} to renew ${who}; it keeps trying, and the session has not ended.`,
    endsIn: (provider: string, who: string, duration: string) =>
      `Your ${provider} session for ${who} ends in ${duration}.`,
    renewNow: "Renew now",
    signIns: "Sign-ins",
    waiting: "waiting…",
    cannotReach: "cannot reach",
    renewsAutomatically: "renews automatically",
    signingIn: "Signing in…",
    signOutOf: (provider: string, name: string) => `Sign out of ${provider} ${name}`,
    signOut: "Sign out",
    signInToAll: "Sign in to all",
    signingInAll: (done: number, total: number) => `Signing in (${done} of ${total})…`,
    signOutOfAll: "Sign out of all",
  },
  targetList: {
    targets: "Targets",
    star: (id: string) => `Star ${id}`,
    unstar: (id: string) => `Unstar ${id}`,
    needsElevation: "Needs an elevation with a reason",
    privileged: "privileged",
    open: "Open",
  },
  targetActions: {
    actionsFor: (name: string) => `Actions for ${name}`,
    elevated: (left: string, reason: string) => `Elevated, ${left}: ${reason}`,
    endElevation: "End elevation",
    openConsole: "Open console",
    /** Before the browser's list: "Open console in [firefox]". */
    openIn: "in",
    browser: "Browser",
    configuredBrowser: "the configured browser",
    /** The OS's default browser (the config's `browser = "default"`). */
    defaultBrowser: "default",
    ownProfile: "own profile",
    copyExports: "Copy exports",
    exportAsProfile: "Export as profile",
    alias: "Alias",
    saveAlias: "Save alias",
    colour: "Colour",
    /** Keyed by the colour's name in the config. */
    colours: {
      none: "no colour",
      blue: "blue",
      turquoise: "turquoise",
      green: "green",
      yellow: "yellow",
      orange: "orange",
      red: "red",
      pink: "pink",
      purple: "purple",
    },
  },
  activity: {
    title: "Activity",
    readFailed: (error: string) => `Could not read the activity: ${error}`,
    filterByTarget: "Filter by target",
    filterByKind: "Filter by kind",
    everyKind: "Every kind",
    close: "Close",
    nothingRecorded: "Nothing recorded yet.",
    /** Keyed by the audit kinds as the Rust side names them (`audit::KINDS`). */
    kinds: {
      sign_in: "sign in",
      renewal: "renewal",
      sign_out: "sign out",
      credentials: "credentials",
      console: "console",
      export: "export",
      elevation: "elevation",
      elevation_ended: "elevation ended",
      refused: "refused",
      identity_mismatch: "identity mismatch",
    },
  },
  elevate: {
    title: "Elevate",
    /** After the target's name, which the dialog shows in bold. */
    isPrivileged: (id: string) =>
      `(${id}) is privileged. Say why you need it: the reason goes to the audit trail, and the access ends on its own within the hour.`,
    reason: "Reason",
    reasonPlaceholder: "A ticket or an incident, e.g. INC-4711",
    elevateAndContinue: "Elevate and continue",
    cancel: "Cancel",
  },
  time: {
    notSignedIn: "not signed in",
    expired: "expired",
    left: (duration: string) => `${duration} left`,
    minutes: (minutes: string) => `${minutes} min`,
    hoursMinutes: (hours: string, minutes: string) => `${hours} h ${minutes} min`,
    /** When a sign-in is due, as `signInWithin` and `sessions.signInDue` put it. */
    signInWhen: (days: number) => (days <= 0 ? "now" : `within ${count(days, "day", "days")}`),
    signInWithin: (when: string) => `sign in ${when}`,
  },
  api: {
    identity: "Identity",
    awsOrg: (org: string) => `AWS org ${org}`,
    azureTenant: (tenant: string) => `Azure tenant ${tenant}`,
    googleCloud: "Google Cloud",
    unknownError: "an unknown error occurred",
  },
};

/** The shape every language's dictionary has: the same keys, any words, the same arguments. */
export type Messages = typeof en;
