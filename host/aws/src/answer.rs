//! SDK results to the capability's answers: one output as a JSON object, or every page of a
//! paginated operation merged into one.

use crate::errors::from_sdk;
use crate::json::{ToJson, merge_pages};
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use lgp_aws_api::AwsCallError;
use serde_json::Value;

/// The answer of a single-page call.
pub(crate) fn one<O, E>(result: Result<O, SdkError<E, HttpResponse>>) -> Result<Value, AwsCallError>
where
    O: ToJson,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    result.map(|output| output.to_json()).map_err(from_sdk)
}

/// The answer of a paginated call: every page, merged (see [`merge_pages`]).
pub(crate) fn pages<O, E>(
    result: Result<Vec<O>, SdkError<E, HttpResponse>>,
) -> Result<Value, AwsCallError>
where
    O: ToJson,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let pages = result.map_err(from_sdk)?;
    Ok(merge_pages(pages.iter().map(ToJson::to_json)))
}

/// Sends a request builder and answers with its output.
macro_rules! send {
    ($request:expr) => {
        $crate::answer::one($request.send().await)
    };
}
pub(crate) use send;

/// Sends a request builder through its paginator and answers with all pages merged.
macro_rules! send_all_pages {
    ($request:expr) => {
        $crate::answer::pages($request.into_paginator().send().try_collect().await)
    };
}
pub(crate) use send_all_pages;
