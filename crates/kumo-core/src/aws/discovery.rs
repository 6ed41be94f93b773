//! Listing every account and role of an org: ListAccounts (100 a page), then
//! ListAccountRoles for each account through a bounded pool of workers that share one
//! token bucket, retrying throttling and server errors with jittered backoff.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};
use tokio::task::JoinSet;

use crate::aws::org::OrgClient;
use crate::aws::sign_in::Interaction;
use crate::aws::{AwsError, describe_sdk_error, status_of, verdict};
use crate::cache::{Account, OrgCache};
use crate::environment::Environment;
use crate::feedback::Feedback;
use crate::retry::{Retry, TokenBucket};

const PAGE_SIZE: i32 = 100;
/// Enough in flight to keep the bucket busy through ~1 s of latency at 20/s.
const WORKERS: usize = 24;
/// Throttling alone never fails a listing this side of a few minutes.
const MAX_ATTEMPTS: u32 = 40;

/// Calls `call` until it succeeds, paced by `bucket`, retrying what is retryable.
async fn paced<T, E, R, F, Fut>(
    bucket: &TokenBucket,
    org: &str,
    operation: &'static str,
    call: F,
) -> Result<T, (AwsError, Option<u16>)>
where
    E: ProvideErrorMetadata,
    R: crate::aws::HasStatus,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, R>>>,
{
    Retry::STANDARD
        .attempts(MAX_ATTEMPTS)
        .run(Some(bucket), verdict, call)
        .await
        .map_err(|e| (describe_sdk_error(org, operation, &e), status_of(&e)))
}

impl OrgClient<'_> {
    /// Lists every account and role again and saves the listing as the org's cache.
    pub async fn relist(
        &self,
        env: &Environment,
        interaction: &Interaction<'_>,
        feedback: &dyn Feedback,
    ) -> Result<OrgCache, AwsError> {
        let accounts = self.discover(interaction, feedback).await?;
        let fresh = OrgCache::new(
            self.org.name.as_str(),
            self.org.start_url.as_str(),
            env.now(),
            accounts,
        );
        crate::cache::save(env, &fresh)?;
        Ok(fresh)
    }

    /// Every account with its roles, in the service's account order.
    pub async fn discover(
        &self,
        interaction: &Interaction<'_>,
        feedback: &dyn Feedback,
    ) -> Result<Vec<Account>, AwsError> {
        let token = self.access_token(interaction).await?;
        let bucket = Arc::new(TokenBucket::new(self.org.rate_limit.per_second()));
        let result = self.list_everything(&token, bucket, feedback).await;
        if let Err((_, Some(401))) = result {
            self.drop_token()?;
            return Err(AwsError::SessionExpired(self.name().to_owned()));
        }
        result.map_err(|(e, _)| e)
    }

    async fn list_everything(
        &self,
        token: &str,
        bucket: Arc<TokenBucket>,
        feedback: &dyn Feedback,
    ) -> Result<Vec<Account>, (AwsError, Option<u16>)> {
        let org = self.name().to_owned();
        let mut accounts = Vec::new();
        let mut next_token: Option<String> = None;
        let mut pages = 0;
        loop {
            let page = paced(&bucket, &org, "ListAccounts", || {
                self.portal
                    .list_accounts()
                    .access_token(token)
                    .max_results(PAGE_SIZE)
                    .set_next_token(next_token.clone())
                    .send()
            })
            .await?;
            let source = format!("AWS org `{org}`");
            accounts.extend(page.account_list().iter().filter_map(|a| {
                Account {
                    id: a.account_id().unwrap_or_default().to_owned(),
                    name: a.account_name().unwrap_or_default().to_owned(),
                    email: a.email_address().unwrap_or_default().to_owned(),
                    roles: Vec::new(),
                }
                .checked(&source)
            }));
            feedback.progress(0, accounts.len());
            next_token = page.next_token().map(str::to_owned);
            if next_token.is_none() {
                break;
            }
            pages += 1;
            if pages >= MAX_PAGES {
                return Err((never_ends(&org, "ListAccounts"), None));
            }
        }

        let total = accounts.len();
        let next = Arc::new(AtomicUsize::new(0));
        let ids: Arc<Vec<String>> = Arc::new(accounts.iter().map(|a| a.id.clone()).collect());
        let (results, mut arrivals) = tokio::sync::mpsc::unbounded_channel();
        // Dropping the set on an early return aborts the workers still running.
        let mut workers = JoinSet::new();
        for _ in 0..WORKERS.min(total) {
            let (portal, bucket, ids, next) = (
                self.portal.clone(),
                bucket.clone(),
                ids.clone(),
                next.clone(),
            );
            let (token, org, results) = (token.to_owned(), org.clone(), results.clone());
            workers.spawn(async move {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(account_id) = ids.get(index) else {
                        return;
                    };
                    let roles = list_roles(&portal, &bucket, &org, &token, account_id).await;
                    let failed = roles.is_err();
                    if results.send((index, roles)).is_err() || failed {
                        return;
                    }
                }
            });
        }
        drop(results);
        let mut done = 0;
        let mut listed: Vec<Option<Vec<String>>> = vec![None; total];
        while let Some((index, roles)) = arrivals.recv().await {
            listed[index] = Some(roles?);
            done += 1;
            feedback.progress(done, total);
        }
        let source = format!("AWS org `{org}`");
        Ok(accounts
            .into_iter()
            .zip(listed)
            .filter_map(|(account, roles)| {
                Account {
                    roles: roles.unwrap_or_default(),
                    ..account
                }
                .checked(&source)
            })
            .collect())
    }
}

async fn list_roles(
    portal: &aws_sdk_sso::Client,
    bucket: &TokenBucket,
    org: &str,
    token: &str,
    account_id: &str,
) -> Result<Vec<String>, (AwsError, Option<u16>)> {
    let mut roles = Vec::new();
    let mut next_token: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = paced(bucket, org, "ListAccountRoles", || {
            portal
                .list_account_roles()
                .access_token(token)
                .account_id(account_id)
                .max_results(PAGE_SIZE)
                .set_next_token(next_token.clone())
                .send()
        })
        .await?;
        roles.extend(
            page.role_list()
                .iter()
                .filter_map(|r| r.role_name().map(str::to_owned)),
        );
        next_token = page.next_token().map(str::to_owned);
        if next_token.is_none() {
            return Ok(roles);
        }
        pages += 1;
        if pages >= MAX_PAGES {
            return Err((never_ends(org, "ListAccountRoles"), None));
        }
    }
}

/// More pages than any org has (a thousand of a thousand accounts): a `nextToken` loop
/// ends here.
const MAX_PAGES: usize = 1000;

fn never_ends(org: &str, operation: &'static str) -> AwsError {
    AwsError::Service {
        org: org.to_owned(),
        operation,
        message: format!("its nextToken never ends (over {MAX_PAGES} pages)"),
    }
}
