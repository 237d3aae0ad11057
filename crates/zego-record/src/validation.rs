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

// ---------------------------------------------------------------------------------------
// The lifecycle bodies: rules ZEGO states only in prose (lifecycle/zego.md §2.1, §2.5, C-9,
// C-10, C-14). The generated `validate` has checked every declarative limit first (types,
// required fields, ranges, value sets); these run after it. Parameters are JSON paths.
// ---------------------------------------------------------------------------------------

use crate::{
    MixInputListItem, MixMode, OutputFileFormat, RecordMode, StartRecordRequest, StorageParams,
    StorageVendor, StreamType, UpdateLayoutRequest, ViewType,
};

/// The largest mixed-output area ZEGO accepts: 1920 × 1080 pixels (Width × Height).
pub const MAX_MIX_AREA: i64 = 1920 * 1080;

/// Checks the rules of a [`StartRecordRequest`] that ZEGO gives only in prose:
///
/// * `MixConfig` is required when `RecordMode` is 2 (mixed);
/// * `MixConfig.MixInputList` (non-empty) when `MixMode` is 1 (custom layout);
/// * `Whiteboard` (non-empty) when `HasWhiteboard` is true; no whiteboard in mixed recording
///   of audio only (`StreamType` 1); a whiteboard view (`ViewType` 2) only with whiteboard
///   recording on, and at most one;
/// * `MixConfig.MixOutputVideoConfig` in mixed recording with video (`StreamType` 2, 3 or 4;
///   absent means 3), and its `Width × Height` at most 1920 × 1080;
/// * each custom view and the watermark box: `Top <= Bottom`, `Left <= Right`, and inside
///   the canvas (`Right <= Width`, `Bottom <= Height`) when the output size is given (the
///   UpdateLayout page states this for views, StartRecord's for the watermark; applied to
///   both, lifecycle/zego.md C-14);
/// * the storage fields each `StorageParams.Vendor` needs (present and not empty): Region,
///   Bucket, AccessKeyId and AccessKeySecret for 1, 2, 3, 4, 7, 9 and 10 (with EndPoint for
///   10), Bucket, AccessKeyId and AccessKeySecret for 8, `AlibabaCloudVodParams` for 5,
///   `TencentCloudVodParams` for 6; fields a vendor does not need may be empty strings, as
///   in ZEGO's Vendor 5 example;
/// * the output formats the VOD vendors accept: mp4 or flv for 5, mp4, flv, jpg or mp3 for
///   6 (`OutputFileFormat` defaults to mp4).
///
/// # Errors
/// An [`ErrorKind::InvalidRequest`](record_core::ErrorKind::InvalidRequest) error naming the
/// JSON path of the first rule broken.
pub fn start_record_request(req: &StartRecordRequest, clock: &dyn Clock) -> Result<(), Error> {
    let _ = clock;
    let input = req.record_input_params();
    let at = |p: &str| format!("$.RecordInputParams.{p}");
    let mixed = input.record_mode == RecordMode::Mixed;
    let stream_type = input.stream_type.unwrap_or(StreamType::AudioVideoMerged);
    let whiteboard = input.has_whiteboard == Some(true);
    if whiteboard && input.whiteboard.as_ref().is_none_or(Vec::is_empty) {
        return Err(Error::invalid_parameter(
            at("Whiteboard"),
            "is required (and not empty) when HasWhiteboard is true",
        ));
    }
    if mixed && whiteboard && stream_type == StreamType::AudioOnly {
        return Err(Error::invalid_parameter(
            at("HasWhiteboard"),
            "must not be true in mixed recording of audio only (StreamType 1): a whiteboard is recorded as video",
        ));
    }
    if mixed && input.mix_config.is_none() {
        return Err(Error::invalid_parameter(
            at("MixConfig"),
            "is required when RecordMode is 2 (mixed-stream recording)",
        ));
    }
    if let Some(mix) = &input.mix_config {
        let mix_at = |p: &str| at(&format!("MixConfig.{p}"));
        let views = mix.mix_input_list.as_deref().unwrap_or_default();
        if mix.mix_mode == Some(MixMode::Custom) && views.is_empty() {
            return Err(Error::invalid_parameter(
                mix_at("MixInputList"),
                "is required (and not empty) when MixMode is 1 (custom layout)",
            ));
        }
        let video_needed = mixed
            && matches!(
                stream_type,
                StreamType::VideoOnly
                    | StreamType::AudioVideoMerged
                    | StreamType::AudioVideoSeparate
            );
        let video = mix.mix_output_video_config.as_ref();
        if video_needed && video.is_none() {
            return Err(Error::invalid_parameter(
                mix_at("MixOutputVideoConfig"),
                "is required in mixed recording with video (StreamType 2, 3 or 4; an absent StreamType means 3)",
            ));
        }
        if let Some(v) = video
            && v.width.saturating_mul(v.height) > MAX_MIX_AREA
        {
            return Err(Error::invalid_parameter(
                mix_at("MixOutputVideoConfig.Width"),
                format!(
                    "Width x Height must not exceed 1920 x 1080 ({MAX_MIX_AREA} pixels), got {} x {}",
                    v.width, v.height
                ),
            ));
        }
        let canvas = video.map(|v| (v.width, v.height));
        check_views(views, &mix_at("MixInputList"), canvas)?;
        if !whiteboard
            && let Some(i) = views
                .iter()
                .position(|v| v.view_type == Some(ViewType::Whiteboard))
        {
            return Err(Error::invalid_parameter(
                format!("{}[{i}].ViewType", mix_at("MixInputList")),
                "may be 2 (whiteboard) only when HasWhiteboard is true",
            ));
        }
        if let Some(b) = &mix.mix_output_watermark_image_config {
            check_box(
                &mix_at("MixOutputWatermarkImageConfig"),
                (b.top, b.left, b.bottom, b.right),
                canvas,
            )?;
        }
    }
    check_storage(req)
}

/// Checks the rules of an [`UpdateLayoutRequest`] that ZEGO gives only in prose:
/// `MixInputList` (non-empty) when `MixMode` is 1, at most one whiteboard view, and in each
/// view `Top <= Bottom` and `Left <= Right` (the canvas size is not part of this body).
///
/// # Errors
/// An [`ErrorKind::InvalidRequest`](record_core::ErrorKind::InvalidRequest) error naming the
/// JSON path of the first rule broken.
pub fn update_layout_request(req: &UpdateLayoutRequest, clock: &dyn Clock) -> Result<(), Error> {
    let _ = clock;
    let views = req.mix_input_list().unwrap_or_default();
    if req.mix_mode() == Some(MixMode::Custom) && views.is_empty() {
        return Err(Error::invalid_parameter(
            "$.MixInputList",
            "is required (and not empty) when MixMode is 1 (custom layout)",
        ));
    }
    check_views(views, "$.MixInputList", None)
}

/// The views of a custom layout: at most one whiteboard view, and each box well formed.
fn check_views(
    views: &[MixInputListItem],
    path: &str,
    canvas: Option<(i64, i64)>,
) -> Result<(), Error> {
    let mut whiteboards = views
        .iter()
        .enumerate()
        .filter(|(_, v)| v.view_type == Some(ViewType::Whiteboard));
    if whiteboards.next().is_some()
        && let Some((i, _)) = whiteboards.next()
    {
        return Err(Error::invalid_parameter(
            format!("{path}[{i}].ViewType"),
            "only one view may show the whiteboard (ViewType 2)",
        ));
    }
    for (i, v) in views.iter().enumerate() {
        check_box(
            &format!("{path}[{i}]"),
            (v.top, v.left, v.bottom, v.right),
            canvas,
        )?;
    }
    Ok(())
}

/// A box on the canvas: top-left not past bottom-right, bottom-right inside the canvas.
fn check_box(
    path: &str,
    (top, left, bottom, right): (i64, i64, i64, i64),
    canvas: Option<(i64, i64)>,
) -> Result<(), Error> {
    if top > bottom {
        return Err(Error::invalid_parameter(
            format!("{path}.Top"),
            format!("must not exceed Bottom ({bottom}), got {top}"),
        ));
    }
    if left > right {
        return Err(Error::invalid_parameter(
            format!("{path}.Left"),
            format!("must not exceed Right ({right}), got {left}"),
        ));
    }
    if let Some((width, height)) = canvas {
        if right > width {
            return Err(Error::invalid_parameter(
                format!("{path}.Right"),
                format!(
                    "must not exceed the canvas width (MixOutputVideoConfig.Width {width}), got {right}"
                ),
            ));
        }
        if bottom > height {
            return Err(Error::invalid_parameter(
                format!("{path}.Bottom"),
                format!(
                    "must not exceed the canvas height (MixOutputVideoConfig.Height {height}), got {bottom}"
                ),
            ));
        }
    }
    Ok(())
}

/// The storage fields the chosen vendor needs, and the formats the VOD vendors accept.
fn check_storage(req: &StartRecordRequest) -> Result<(), Error> {
    let s: &StorageParams = req.storage_params();
    let vendor = s.vendor;
    let needs = |field: &str, present: bool| -> Result<(), Error> {
        if present {
            Ok(())
        } else {
            Err(Error::invalid_parameter(
                format!("$.StorageParams.{field}"),
                format!(
                    "is required (and not empty) when Vendor is {} ({vendor})",
                    vendor.raw()
                ),
            ))
        }
    };
    let text = |v: &Option<String>| v.as_deref().is_some_and(|t| !t.is_empty());
    let object_storage = matches!(
        vendor,
        StorageVendor::AmazonS3
            | StorageVendor::AlibabaCloudOss
            | StorageVendor::TencentCloudCos
            | StorageVendor::QiniuCloudKodo
            | StorageVendor::HuaweiCloudObs
            | StorageVendor::ChinaMobileCloudEos
            | StorageVendor::S3Compatible
            | StorageVendor::GoogleCloudStorage
    );
    if object_storage {
        if vendor != StorageVendor::GoogleCloudStorage {
            needs("Region", text(&s.region))?;
        }
        needs("Bucket", text(&s.bucket))?;
        needs("AccessKeyId", text(&s.access_key_id))?;
        needs(
            "AccessKeySecret",
            s.access_key_secret.as_ref().is_some_and(|k| !k.is_empty()),
        )?;
    }
    if vendor == StorageVendor::S3Compatible {
        needs("EndPoint", text(&s.end_point))?;
    }
    if vendor == StorageVendor::AlibabaCloudVod {
        needs(
            "AlibabaCloudVodParams",
            s.alibaba_cloud_vod_params.is_some(),
        )?;
    }
    if vendor == StorageVendor::TencentCloudVod {
        needs(
            "TencentCloudVodParams",
            s.tencent_cloud_vod_params.is_some(),
        )?;
    }
    let format = req
        .record_output_params()
        .and_then(|o| o.output_file_format.clone())
        .unwrap_or(OutputFileFormat::Mp4);
    let accepted: &[OutputFileFormat] = match vendor {
        StorageVendor::AlibabaCloudVod => &[OutputFileFormat::Mp4, OutputFileFormat::Flv],
        StorageVendor::TencentCloudVod => &[
            OutputFileFormat::Mp4,
            OutputFileFormat::Flv,
            OutputFileFormat::Jpg,
            OutputFileFormat::Mp3,
        ],
        _ => return Ok(()),
    };
    if !accepted.contains(&format) {
        return Err(Error::invalid_parameter(
            "$.RecordOutputParams.OutputFileFormat",
            format!(
                "must be one of {} when Vendor is {} ({vendor}), got {}",
                accepted
                    .iter()
                    .map(OutputFileFormat::raw)
                    .collect::<Vec<_>>()
                    .join(", "),
                vendor.raw(),
                format.raw()
            ),
        ));
    }
    Ok(())
}
