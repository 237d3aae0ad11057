//! Hand-written request checks that the spec's declarative limits cannot express.
//!
//! The generated builders call these after the presence and range checks
//! (`custom_validation = true` in `api-spec.toml`).

use crate::ListRecordingsRequest;
use record_core::{Clock, Error};

/// Checks how `from_hour` and `to_hour` relate in a [`ListRecordingsRequest`].
///
/// Both are hours before now. `from_hour` is the window start and `to_hour` the window end.
/// The documented rules and our decisions:
///
/// * When both are set, `from_hour` must not be less than `to_hour`
///   (`from_hour`: "不能小于结束时间"; `to_hour`: "不能大于起始时间"). Otherwise the error names
///   `from_hour`. Equal values give an empty window, which the doc does not forbid.
/// * When exactly one is set, the request is rejected, and the error names the missing
///   parameter. The documented defaults (`from_hour` 3, `to_hour` 5) break the rule above
///   (vendor-facts Q4), so we cannot know which bound the server uses in place of the
///   missing one. Set both bounds, or neither.
/// * When neither is set, the request is accepted, and the server's defaults (unknown in
///   practice) choose the window.
/// * The 24-hour window (`from_hour - to_hour <= 24`, "最大查询时间为 24 小时") follows
///   from the declared bounds `0..=24` of both parameters, which the builder checks first.
/// * "Same day" (当天) is not checked here. It depends on the server's time zone, which is
///   not documented. This is also why `_clock` is unused.
pub fn list_recordings_request(
    request: &ListRecordingsRequest,
    _clock: &dyn Clock,
) -> Result<(), Error> {
    match (request.from_hour(), request.to_hour()) {
        (Some(from), Some(to)) if from < to => Err(Error::invalid_parameter(
            "from_hour",
            format!(
                "the window start must not be less than the window end to_hour \
                 (both are hours before now), got from_hour {from} < to_hour {to}"
            ),
        )),
        (Some(from), None) => Err(Error::invalid_parameter(
            "to_hour",
            format!(
                "must be set when from_hour is set (from_hour = {from}): the documented \
                 defaults (from_hour 3, to_hour 5) contradict the rule from_hour >= to_hour, \
                 so set both bounds or neither"
            ),
        )),
        (None, Some(to)) => Err(Error::invalid_parameter(
            "from_hour",
            format!(
                "must be set when to_hour is set (to_hour = {to}): the documented \
                 defaults (from_hour 3, to_hour 5) contradict the rule from_hour >= to_hour, \
                 so set both bounds or neither"
            ),
        )),
        _ => Ok(()),
    }
}
