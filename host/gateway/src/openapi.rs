//! `GET /openapi.json`: the OpenAPI document, generated from the handlers' annotations.

use crate::error::ErrorBody;
use crate::{metrics, ops, routes, ws};
use axum::Json;
use utoipa::openapi::header::Header;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{Object, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LG-Protect API",
        description = "Cloud security posture of a tenant's AWS accounts: scans, inventory, findings, alerts, reports and the audit trail. Every /v1 route and the WebSocket need a bearer JWT; the tenant comes from its claims."
    ),
    paths(
        routes::scans::list,
        routes::scans::get,
        routes::scans::start,
        routes::scans::cancel,
        routes::scans::report,
        routes::findings::list,
        routes::findings::get,
        routes::inventory::list,
        routes::catalogue::checks,
        routes::catalogue::frameworks,
        routes::alerts::list,
        routes::alerts::acknowledge,
        routes::events::list,
        routes::mutes::list,
        routes::mutes::add,
        routes::mutes::remove,
        routes::webhooks::list,
        routes::webhooks::add,
        routes::webhooks::remove,
        routes::plugins::upload,
        routes::plugins::list,
        routes::plugins::get,
        routes::plugins::change,
        routes::plugins::remove,
        routes::accounts::list,
        routes::accounts::put,
        routes::tenants::list,
        routes::tenants::put,
        ws::socket,
        ops::healthz,
        ops::readyz,
        metrics::metrics,
        document,
    ),
    components(schemas(ErrorBody, routes::scans::ReportFormat, routes::alerts::AlertState)),
    modifiers(&Secured),
    tags(
        (name = "scans", description = "Start and follow scans; their reports"),
        (name = "findings", description = "Each check's current result on each resource"),
        (name = "inventory", description = "The resources the scans found"),
        (name = "catalogue", description = "Checks and compliance frameworks"),
        (name = "alerts", description = "Alerts raised on high-severity failures"),
        (name = "events", description = "The audit trail and the live event stream"),
        (name = "mutes", description = "Results the tenant accepts"),
        (name = "plugins", description = "The tenant's own rule plugins: upload, versions, enable, delete"),
        (name = "webhooks", description = "Where the tenant's alert events are sent"),
        (name = "accounts", description = "The tenant's AWS accounts"),
        (name = "tenants", description = "The platform's tenants (platform-admin)"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
    )
)]
struct ApiDoc;

/// The name of the bearer security scheme.
const BEARER: &str = "bearer";

/// Marks every authenticated route (`/v1/…`, `/ws/…`) as needing the bearer token and gives
/// each the error answers every such route can give (and those of a JSON body where it takes
/// one).
struct Secured;

impl Modify for Secured {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.bearer_format = Some("JWT".into());
        components.add_security_scheme(BEARER, SecurityScheme::Http(bearer));
        let error = Content::new(Some(Ref::from_schema_name(ErrorBody::name())));
        let response = |status: &str, description: &str| {
            let mut r = Response::new(description);
            r.content
                .insert("application/json".into(), RefOr::T(error.clone()));
            if status == "429" {
                let mut retry_after = Header::new(Object::with_type(Type::Integer));
                retry_after.description = Some("Whole seconds to wait, at least 1".into());
                r.headers
                    .insert("retry-after".into(), RefOr::T(retry_after));
            }
            RefOr::T(r)
        };
        for (path, item) in doc.paths.paths.iter_mut() {
            if !(path.starts_with("/v1/") || path.starts_with("/ws/")) {
                continue;
            }
            let by_id = path.contains('{');
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                secure(op);
                let mut answers = vec![
                    ("400", "Bad query, path or body"),
                    ("401", "Missing or invalid token"),
                    ("403", "The token's roles do not allow this"),
                    (
                        "429",
                        "The tenant's rate limit is spent: retry after `Retry-After` seconds",
                    ),
                    ("500", "Internal error (logged)"),
                ];
                if by_id {
                    answers.push(("404", "No such object for the token's tenant"));
                }
                if op.request_body.is_some() {
                    answers.extend([
                        ("413", "The body is over the size limit"),
                        ("415", "The body is not `application/json`"),
                        ("422", "The body is JSON of the wrong shape"),
                    ]);
                }
                for (status, description) in answers {
                    op.responses
                        .responses
                        .entry(status.into())
                        .or_insert_with(|| response(status, description));
                }
            }
        }
    }
}

fn secure(op: &mut Operation) {
    let requirement = SecurityRequirement::new(BEARER, Vec::<String>::new());
    op.security.get_or_insert_with(Vec::new).push(requirement);
}

/// The OpenAPI document of the gateway's routes.
pub fn openapi() -> Document {
    ApiDoc::openapi()
}

/// `GET /openapi.json`: this API's OpenAPI document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI document", body = Object)))]
pub(crate) async fn document() -> Json<Document> {
    Json(openapi())
}
