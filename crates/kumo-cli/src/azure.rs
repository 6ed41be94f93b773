//! Azure in the CLI: tenant sign-in, the subscription listing, and tenant lookup.

use kumo_core::azure;
use kumo_core::config::AzureTenantConfig;

use crate::context::{Context, runtime};

/// The tenant a command names, or every configured one.
pub fn tenants<'a>(
    ctx: &'a Context,
    name: Option<&str>,
) -> anyhow::Result<Vec<&'a AzureTenantConfig>> {
    match name {
        None => Ok(ctx.config.azure.iter().collect()),
        Some(name) => Ok(vec![tenant(ctx, name)?]),
    }
}

pub fn tenant<'a>(ctx: &'a Context, name: &str) -> anyhow::Result<&'a AzureTenantConfig> {
    Ok(ctx.launcher().tenant(name)?)
}

/// The tenant's subscriptions: from the cache, or listed from Azure Resource Manager.
pub fn subscriptions(
    ctx: &Context,
    tenant: &AzureTenantConfig,
    refresh: bool,
) -> anyhow::Result<Vec<azure::Subscription>> {
    if !refresh && let Some(cached) = azure::load_cache(&ctx.env, tenant) {
        return Ok(cached);
    }
    Ok(runtime()?.block_on(azure::relist(tenant, ctx.store.as_ref(), &ctx.env))?)
}
