//! The per-item detail calls of every kind of a region, made in one batch after the listings
//! (the host runs a batch concurrently and bounds it). Each kind plans its calls keyed by the
//! item's id and later looks its answers up by the same id, so no kind depends on another's
//! order or count.

use lgp_sdk::collector::{AwsError, AwsRequest, aws_call_batch};
use serde_json::Value;
use std::collections::HashMap;

/// One detail call: the id of the item it is about, and the request.
pub type DetailCall = (String, AwsRequest);

/// Where one kind's calls sit in the batch.
#[derive(Debug)]
pub struct Planned {
    start: usize,
    ids: Vec<String>,
}

/// The detail calls planned so far.
#[derive(Debug, Default)]
pub struct Details {
    requests: Vec<AwsRequest>,
}

impl Details {
    /// Adds one kind's calls to the batch.
    pub fn plan(&mut self, calls: Vec<DetailCall>) -> Planned {
        let start = self.requests.len();
        let mut ids = Vec::with_capacity(calls.len());
        for (id, request) in calls {
            ids.push(id);
            self.requests.push(request);
        }
        Planned { start, ids }
    }

    /// Makes every planned call.
    pub fn fetch(self) -> Answers {
        let answers = if self.requests.is_empty() {
            Vec::new()
        } else {
            aws_call_batch(&self.requests)
        };
        Answers {
            answers: answers.into_iter().map(Some).collect(),
        }
    }
}

/// The answers of the whole batch.
#[derive(Debug)]
pub struct Answers {
    answers: Vec<Option<Result<Value, AwsError>>>,
}

impl Answers {
    /// Takes one kind's answers out of the batch.
    pub fn take(&mut self, planned: Planned) -> DetailAnswers {
        let by_id = planned
            .ids
            .into_iter()
            .enumerate()
            .filter_map(|(i, id)| {
                let answer = self.answers.get_mut(planned.start + i)?.take()?;
                Some((id, answer))
            })
            .collect();
        DetailAnswers { by_id }
    }
}

/// One kind's detail answers, by item id.
#[derive(Debug, Default)]
pub struct DetailAnswers {
    by_id: HashMap<String, Result<Value, AwsError>>,
}

impl DetailAnswers {
    /// The answer about item `id`. An item without one (the host answered fewer calls than it
    /// was given) reads as a failed call, never as an empty answer.
    pub fn get(&self, id: &str) -> Result<&Value, AwsError> {
        match self.by_id.get(id) {
            Some(Ok(value)) => Ok(value),
            Some(Err(error)) => Err(error.clone()),
            None => Err(AwsError::BadOutput(format!(
                "the host gave no answer about {id}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_found_by_id_and_missing_ones_are_errors() {
        let mut details = Details::default();
        let a = details.plan(vec![("a".into(), AwsRequest::new("ec2", "X", "r"))]);
        let b = details.plan(Vec::new());
        let mut answers = details.fetch();
        // Natively the call fails (no host): an error, kept under its id.
        assert!(answers.take(a).get("a").is_err());
        assert!(matches!(
            answers.take(b).get("zzz"),
            Err(AwsError::BadOutput(_))
        ));
    }
}
