//! What every request passes before its handler: counting, latency, scripted faults,
//! the rate limit and the random share of server errors.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::state::{Fault, Operation, Shared};
use crate::wire::{AwsError, Protocol};

pub async fn gate(shared: &Shared, op: Operation, protocol: Protocol) -> Result<(), Response> {
    shared.count(op);
    if !shared.options.latency.is_zero() {
        tokio::time::sleep(shared.options.latency).await;
    }
    if let Some(fault) = shared.next_fault(op) {
        match fault {
            Fault::Throttle => return Err(AwsError::throttled(protocol).into_response()),
            Fault::ServerError(status) => {
                return Err(AwsError::internal(protocol, status).into_response());
            }
            Fault::Error {
                status,
                shape,
                code,
            } => {
                return Err(AwsError::new(protocol, status, &shape, "Scripted error")
                    .with_code(&code)
                    .into_response());
            }
            Fault::Garbage => {
                return Err((StatusCode::OK, "<html>this is not JSON").into_response());
            }
            Fault::Huge(bytes) => {
                let mut body = vec![b' '; bytes];
                body.extend_from_slice(b"<garbage>");
                return Err((StatusCode::OK, body).into_response());
            }
            Fault::Delay(delay) => tokio::time::sleep(delay).await,
        }
    }
    if op.is_rate_limited() && !shared.admit() {
        return Err(AwsError::throttled(protocol).into_response());
    }
    if protocol != Protocol::Page && shared.roll_server_error() {
        return Err(AwsError::internal(protocol, 500).into_response());
    }
    Ok(())
}
