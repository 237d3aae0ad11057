//! Hand-written request checks that the spec cannot express as declarative limits.
//!
//! The generated builders call these after the declarative checks (presence, ranges,
//! lengths, allowed values) have passed; each failure is an
//! [`ErrorKind::InvalidRequest`](record_core::ErrorKind::InvalidRequest) error naming the
//! offending parameter.

use crate::DescribeTasksRequest;
use record_core::{Clock, DurationMillis, Error, UnixMillis};

/// How far back `StartTime` may reach, and the widest `StartTime`..`EndTime` span of a
/// DescribeTasks query: 3 days (查询时间跨度不超过 3 天; 开始时间不能早于当前时间的 3 天之前).
pub const DESCRIBE_TASKS_MAX_WINDOW: DurationMillis = DurationMillis(3 * DurationMillis::DAY.0);

/// Checks the time window of a [`DescribeTasksRequest`] against `clock`
/// (vendor-docs/002 §请求参数):
///
/// * `StartTime` must not be earlier than 3 days before now (the boundary itself is allowed);
/// * `EndTime` must be greater than `StartTime`;
/// * `EndTime - StartTime` must not exceed 3 days (exactly 3 days is allowed).
///
/// ZEGO checks the window with its own clock when the request arrives, so a `StartTime`
/// right at the 3-day boundary may still be refused (code 300000004) by a server whose clock
/// is a little ahead, or by a request sent later than it was built.
///
/// # Errors
/// An [`ErrorKind::InvalidRequest`](record_core::ErrorKind::InvalidRequest) error naming
/// `StartTime` or `EndTime`.
pub fn describe_tasks_request(req: &DescribeTasksRequest, clock: &dyn Clock) -> Result<(), Error> {
    let start = req.start_time();
    let end = req.end_time();
    let earliest: UnixMillis = clock.now().saturating_sub(DESCRIBE_TASKS_MAX_WINDOW);
    if start < earliest {
        return Err(Error::invalid_parameter(
            "StartTime",
            format!(
                "must not be earlier than 3 days before now (earliest {}), got {}",
                earliest.to_rfc3339(),
                start.to_rfc3339()
            ),
        ));
    }
    if end <= start {
        return Err(Error::invalid_parameter(
            "EndTime",
            format!(
                "must be later than StartTime ({}), got {}",
                start.to_rfc3339(),
                end.to_rfc3339()
            ),
        ));
    }
    let span = end.since(start);
    if span > DESCRIBE_TASKS_MAX_WINDOW {
        return Err(Error::invalid_parameter(
            "EndTime",
            format!(
                "must be at most 3 days ({} ms) after StartTime, got a span of {} ms",
                DESCRIBE_TASKS_MAX_WINDOW.as_millis(),
                span.as_millis()
            ),
        ));
    }
    Ok(())
}
