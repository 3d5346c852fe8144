//! The host side of the `query` interface: pages of the tenant's results, findings and
//! inventory cut to the invocation's byte budget, scan summaries, and the checks and frameworks
//! the host knows.

use super::HostState;
use crate::paging::GuestCursor;
use crate::services::{FindingQuery, InventoryQuery, ResultQuery};
use lgp_world::handler::lg_protect::plugin::query;
use lgp_world::types::{self, HostError, Resource};
use std::sync::OnceLock;
use std::time::Instant;

impl HostState {
    async fn findings_page(
        &mut self,
        q: query::FindingQuery,
    ) -> Result<query::FindingPage, HostError> {
        let query = self.query()?;
        check_scan_id(&q.scan_id)?;
        let cursor = GuestCursor::parse(q.cursor.as_deref()).map_err(HostError::InvalidArgument)?;
        let asked = FindingQuery {
            scan_id: q.scan_id,
            check_id: q.check_id,
            cursor: cursor.inner.clone(),
            limit: cursor.fetch_limit(q.limit),
        };
        let page = query.findings(&asked).await?;
        let page = cursor.cut(page, q.limit, self.query_page_bytes(), |f| f.approx_size());
        Ok(query::FindingPage {
            items: page.items.iter().map(types::Finding::from).collect(),
            next: page.next,
        })
    }

    async fn inventory_page(
        &mut self,
        q: query::InventoryQuery,
    ) -> Result<query::InventoryPage, HostError> {
        let query = self.query()?;
        check_scan_id(&q.scan_id)?;
        let cursor = GuestCursor::parse(q.cursor.as_deref()).map_err(HostError::InvalidArgument)?;
        let asked = InventoryQuery {
            scan_id: q.scan_id,
            kind: q.kind,
            cursor: cursor.inner.clone(),
            limit: cursor.fetch_limit(q.limit),
        };
        let page = query.inventory(&asked).await?;
        let page = cursor.cut(page, q.limit, self.query_page_bytes(), resource_size);
        Ok(query::InventoryPage {
            items: page.items.iter().map(Resource::from).collect(),
            next: page.next,
        })
    }

    async fn results_page(
        &mut self,
        q: query::ResultQuery,
    ) -> Result<query::ResultPage, HostError> {
        let query = self.query()?;
        check_scan_id(&q.scan_id)?;
        let cursor = GuestCursor::parse(q.cursor.as_deref()).map_err(HostError::InvalidArgument)?;
        let asked = ResultQuery {
            scan_id: q.scan_id,
            cursor: cursor.inner.clone(),
            limit: cursor.fetch_limit(q.limit),
        };
        let page = query.results(&asked).await?;
        let page = cursor.cut(page, q.limit, self.query_page_bytes(), scan_result_size);
        Ok(query::ResultPage {
            items: page.items,
            next: page.next,
        })
    }
}

fn check_scan_id(scan_id: &str) -> Result<(), HostError> {
    if scan_id.is_empty() {
        return Err(HostError::InvalidArgument("the scan id is empty".into()));
    }
    Ok(())
}

/// Approximate size of a resource as the guest receives it.
fn resource_size(r: &lgp_model::Resource) -> usize {
    r.arn.len()
        + r.kind.len()
        + r.account.len()
        + r.region.len()
        + r.name.len()
        + r.properties.get().len()
        + r.tags.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>()
        + 64
}

/// Approximate size of a result as the guest receives it.
fn scan_result_size(r: &query::ScanResult) -> usize {
    r.check_id.len()
        + r.resource_arn.len()
        + r.account.len()
        + r.region.len()
        + r.service.len()
        + r.message.len()
        + r.evidence.len()
        + r.first_seen.len()
        + 32
}

/// The host's framework catalogue as the guest receives it, converted once.
fn frameworks() -> &'static [query::Framework] {
    static FRAMEWORKS: OnceLock<Vec<query::Framework>> = OnceLock::new();
    FRAMEWORKS.get_or_init(|| {
        lgp_frameworks::Catalogue::builtin()
            .frameworks()
            .iter()
            .map(|f| query::Framework {
                id: f.id.clone(),
                name: f.name.clone(),
                version: f.version.clone(),
                publisher: f.publisher.clone(),
                controls: f
                    .controls
                    .iter()
                    .map(|c| query::Control {
                        id: c.id.clone(),
                        title: c.title.clone(),
                        section: c.section.clone(),
                    })
                    .collect(),
            })
            .collect()
    })
}

impl query::Host for HostState {
    async fn findings(
        &mut self,
        q: query::FindingQuery,
    ) -> wasmtime::Result<Result<query::FindingPage, HostError>> {
        let started = Instant::now();
        let answer = self.findings_page(q).await;
        self.waited_on_store(started);
        Ok(answer)
    }

    async fn inventory(
        &mut self,
        q: query::InventoryQuery,
    ) -> wasmtime::Result<Result<query::InventoryPage, HostError>> {
        let started = Instant::now();
        let answer = self.inventory_page(q).await;
        self.waited_on_store(started);
        Ok(answer)
    }

    async fn previous_scan(
        &mut self,
        scan_id: String,
    ) -> wasmtime::Result<Result<Option<String>, HostError>> {
        let started = Instant::now();
        let query = self.query();
        let answer = async move {
            let query = query?;
            check_scan_id(&scan_id)?;
            Ok(query.previous_scan(&scan_id).await?)
        }
        .await;
        self.waited_on_store(started);
        Ok(answer)
    }

    async fn results(
        &mut self,
        q: query::ResultQuery,
    ) -> wasmtime::Result<Result<query::ResultPage, HostError>> {
        let started = Instant::now();
        let answer = self.results_page(q).await;
        self.waited_on_store(started);
        Ok(answer)
    }

    async fn scan(
        &mut self,
        scan_id: String,
    ) -> wasmtime::Result<Result<query::ScanSummary, HostError>> {
        let started = Instant::now();
        let query = self.query();
        let answer = async move {
            let query = query?;
            check_scan_id(&scan_id)?;
            Ok(query.scan(&scan_id).await?)
        }
        .await;
        self.waited_on_store(started);
        Ok(answer)
    }

    async fn checks(&mut self) -> wasmtime::Result<Result<Vec<types::CheckMeta>, HostError>> {
        let answer = async move {
            let checks = self.query()?.checks().await?;
            Ok(checks.iter().map(types::CheckMeta::from).collect())
        };
        Ok(answer.await)
    }

    async fn frameworks(&mut self) -> wasmtime::Result<Result<Vec<query::Framework>, HostError>> {
        Ok(self.query().map(|_| frameworks().to_vec()))
    }
}
