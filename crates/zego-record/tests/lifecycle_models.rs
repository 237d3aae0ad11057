//! The lifecycle request models imported from ZEGO's OpenAPI (spec/lifecycle.toml): the
//! caller's JSON in ZEGO's names, unknown fields, JSON-path errors, the prose rules, secrets,
//! and one test per contradiction of lifecycle/zego.md that touches the models
//! (each decision is recorded with its reason in openapi-overlay.toml).

use record_core::{ErrorKind, UnknownFields};
use serde_json::{Value, json};
use zego_record::{
    MixConfig, MixInputListItem, MixMode, MixOutputVideoConfig, OutputFileFormat,
    PauseRecordRequest, RecordInputParams, RecordMode, RecordOutputParams, StartRecordRequest,
    StartRecordResponse, StorageParams, StorageVendor, StreamType, UpdateLayoutRequest, ViewType,
    Whiteboard,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const KEY_SECRET: &str = "storageSecretKey-7f3a9c";
const VOD_SECRET: &str = "vodSecretKey-51be02";

/// A mixed StartRecord body that passes every check, with secrets in it.
fn mixed() -> Value {
    json!({
        "RoomId": "room-1",
        "RecordInputParams": {
            "RecordMode": 2,
            "StreamType": 3,
            "MixConfig": {
                "MixMode": 1,
                "MixOutputStreamId": "mix-1",
                "MixInputList": [
                    {"StreamId": "a", "Top": 0, "Left": 0, "Bottom": 720, "Right": 640, "Layer": 1},
                    {"StreamId": "b", "Top": 0, "Left": 640, "Bottom": 720, "Right": 1280, "Layer": 1}
                ],
                "MixOutputVideoConfig": {"Width": 1280, "Height": 720, "Fps": 15, "Bitrate": 1500000},
                "MixOutputBackgroundColor": 4294967040u32
            }
        },
        "RecordOutputParams": {"OutputFileFormat": "mp4"},
        "StorageParams": {
            "Vendor": 1, "Region": "us-east-1", "Bucket": "b", "AccessKeyId": "AKID",
            "AccessKeySecret": KEY_SECRET
        }
    })
}

fn parse(v: &Value, unknown: UnknownFields) -> Result<StartRecordRequest, record_core::Error> {
    StartRecordRequest::from_json(v.to_string().as_bytes(), unknown)
}

fn refused(v: &Value) -> (String, String) {
    match parse(v, UnknownFields::Refuse) {
        Ok(_) => panic!("accepted: {v}"),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
            (e.parameter().unwrap_or_default().to_owned(), e.to_string())
        }
    }
}

#[test]
fn a_valid_body_round_trips_verbatim() -> TestResult {
    let v = mixed();
    let req = parse(&v, UnknownFields::Refuse)?;
    assert_eq!(serde_json::to_value(&req)?, v);
    assert_eq!(req.record_input_params().record_mode, RecordMode::Mixed);
    Ok(())
}

#[test]
fn an_unknown_field_is_refused_with_its_json_path() {
    let mut v = mixed();
    v["RecordInputParams"]["RecordModee"] = json!(2);
    let (param, text) = refused(&v);
    assert_eq!(param, "$.RecordInputParams.RecordModee");
    assert!(text.contains("did you mean `RecordMode`?"), "{text}");
    let mut v = mixed();
    v["RecordInputParmas"] = json!({});
    assert_eq!(refused(&v).0, "$.RecordInputParmas");
    let mut v = mixed();
    v["RecordInputParams"]["MixConfig"]["MixInputList"][1]["Layr"] = json!(1);
    assert_eq!(
        refused(&v).0,
        "$.RecordInputParams.MixConfig.MixInputList[1].Layr"
    );
}

#[test]
fn allowed_unknown_fields_are_sent_verbatim_where_they_were() -> TestResult {
    let mut v = mixed();
    v["RecordInputParams"]["NewZegoFlag"] = json!({"x": [1, 2]});
    v["TopLevelExtra"] = json!("kept");
    let req = parse(&v, UnknownFields::Keep)?;
    assert_eq!(serde_json::to_value(&req)?, v);
    assert_eq!(req.unknown_fields().len(), 1);
    assert!(format!("{req:?}").contains("NewZegoFlag"));
    assert!(
        !format!("{req:?}").contains("\"kept\""),
        "values of unknown fields are not shown"
    );
    // A builder's extra field under a documented name would be sent twice: refused.
    let e = StartRecordRequest::builder()
        .room_id("r")
        .record_input_params(RecordInputParams::new(RecordMode::SingleStream))
        .storage_params(oss())
        .unknown_field("RoomId", json!("x"))
        .build()
        .err();
    assert_eq!(e.as_ref().and_then(|e| e.parameter()), Some("$.RoomId"));
    Ok(())
}

#[test]
fn type_errors_and_missing_fields_name_the_path() {
    let mut v = mixed();
    v["RecordInputParams"]["MixConfig"]["MixInputList"][0]["Top"] = json!("zero");
    let (param, text) = refused(&v);
    assert_eq!(param, "$.RecordInputParams.MixConfig.MixInputList[0].Top");
    assert!(!text.contains("zero"), "{text}");
    let mut v = mixed();
    v["RecordInputParams"]
        .as_object_mut()
        .map(|o| o.remove("RecordMode"));
    assert_eq!(refused(&v).0, "$.RecordInputParams.RecordMode");
    assert_eq!(refused(&json!([1])).0, "$");
}

#[test]
fn ranges_and_value_sets_are_checked() {
    let cases = [
        (
            "/RecordInputParams/MaxIdleTime",
            json!(4),
            "$.RecordInputParams.MaxIdleTime",
        ),
        (
            "/RecordInputParams/MaxRecordTime",
            json!(86401),
            "$.RecordInputParams.MaxRecordTime",
        ),
        (
            "/RecordInputParams/RecordMode",
            json!(3),
            "$.RecordInputParams.RecordMode",
        ),
        (
            "/RecordInputParams/MixConfig/MixOutputVideoConfig/Fps",
            json!(31),
            "$.RecordInputParams.MixConfig.MixOutputVideoConfig.Fps",
        ),
        (
            "/RecordInputParams/MixConfig/MixInputList/0/Right",
            json!(1921),
            "$.RecordInputParams.MixConfig.MixInputList[0].Right",
        ),
        (
            "/RecordOutputParams/OutputFileFormat",
            json!("wav"),
            "$.RecordOutputParams.OutputFileFormat",
        ),
        ("/StorageParams/Vendor", json!(11), "$.StorageParams.Vendor"),
    ];
    for (pointer, value, path) in cases {
        let mut v = mixed();
        let (parent, key) = pointer.rsplit_once('/').unwrap_or_default();
        match v.pointer_mut(parent) {
            Some(Value::Object(o)) => {
                o.insert(key.to_owned(), value);
            }
            Some(Value::Array(a)) => {
                if let Some(slot) = key.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                    *slot = value;
                }
            }
            _ => panic!("no {parent}"),
        }
        assert_eq!(refused(&v).0, path, "{pointer}");
    }
}

#[test]
fn prose_rules_are_checked_with_the_parameter_named() {
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = mixed();
        f(&mut v);
        refused(&v).0
    };
    let input = "$.RecordInputParams";
    assert_eq!(
        edit(&|v| {
            v["RecordInputParams"]
                .as_object_mut()
                .map(|o| o.remove("MixConfig"));
        }),
        format!("{input}.MixConfig")
    );
    assert_eq!(
        edit(&|v| v["RecordInputParams"]["MixConfig"]["MixInputList"] = json!([])),
        format!("{input}.MixConfig.MixInputList")
    );
    assert_eq!(
        edit(&|v| {
            v["RecordInputParams"]["MixConfig"]
                .as_object_mut()
                .map(|o| o.remove("MixOutputVideoConfig"));
        }),
        format!("{input}.MixConfig.MixOutputVideoConfig")
    );
    assert_eq!(
        edit(&|v| {
            v["RecordInputParams"]["MixConfig"]["MixOutputVideoConfig"]["Width"] = json!(1920);
            v["RecordInputParams"]["MixConfig"]["MixOutputVideoConfig"]["Height"] = json!(1200);
        }),
        format!("{input}.MixConfig.MixOutputVideoConfig.Width")
    );
    assert_eq!(
        edit(&|v| v["RecordInputParams"]["HasWhiteboard"] = json!(true)),
        format!("{input}.Whiteboard")
    );
    assert_eq!(
        edit(&|v| v["RecordInputParams"]["MixConfig"]["MixInputList"][0]["Bottom"] = json!(800)),
        format!("{input}.MixConfig.MixInputList[0].Bottom")
    );
    assert_eq!(
        edit(&|v| v["RecordInputParams"]["MixConfig"]["MixInputList"][0]["ViewType"] = json!(2)),
        format!("{input}.MixConfig.MixInputList[0].ViewType")
    );
    assert_eq!(
        edit(&|v| {
            v["RecordInputParams"]["StreamType"] = json!(1);
            v["RecordInputParams"]["HasWhiteboard"] = json!(true);
            v["RecordInputParams"]["Whiteboard"] =
                json!([{"HorizontalRatio": 16, "VerticalRatio": 9}]);
        }),
        format!("{input}.HasWhiteboard")
    );
    assert_eq!(
        edit(
            &|v| v["RecordInputParams"]["MixConfig"]["MixOutputWatermarkImageConfig"] =
                json!({"Left": 100, "Top": 0, "Right": 50, "Bottom": 10})
        ),
        format!("{input}.MixConfig.MixOutputWatermarkImageConfig.Left")
    );
    // Storage per Vendor.
    assert_eq!(
        edit(&|v| v["StorageParams"]["Bucket"] = json!("")),
        "$.StorageParams.Bucket"
    );
    assert_eq!(
        edit(&|v| v["StorageParams"]["Vendor"] = json!(10)),
        "$.StorageParams.EndPoint"
    );
    assert_eq!(
        edit(&|v| v["StorageParams"]["Vendor"] = json!(5)),
        "$.StorageParams.AlibabaCloudVodParams"
    );
    assert_eq!(
        edit(&|v| {
            v["StorageParams"] = json!({"Vendor": 6, "TencentCloudVodParams":
                {"SecretId": "id", "SecretKey": VOD_SECRET, "Region": "ap"}});
            v["RecordOutputParams"]["OutputFileFormat"] = json!("hls");
        }),
        "$.RecordOutputParams.OutputFileFormat"
    );
}

#[test]
fn update_layout_rules() {
    let refused = |v: Value| {
        UpdateLayoutRequest::from_json(v.to_string().as_bytes(), UnknownFields::Refuse)
            .err()
            .and_then(|e| e.parameter().map(str::to_owned))
    };
    let view = |top: i64, view_type: i64| json!({"Top": top, "Left": 0, "Bottom": 100, "Right": 100, "Layer": 1, "ViewType": view_type});
    let task = "X3CgNeE4I1qAAABN";
    assert_eq!(
        refused(json!({"TaskId": task, "MixMode": 1})).as_deref(),
        Some("$.MixInputList")
    );
    assert_eq!(
        refused(json!({"TaskId": task, "MixInputList": [view(0, 2), view(0, 2)]})).as_deref(),
        Some("$.MixInputList[1].ViewType")
    );
    assert_eq!(
        refused(json!({"TaskId": task, "MixInputList": [view(101, 1)]})).as_deref(),
        Some("$.MixInputList[0].Top")
    );
    assert_eq!(
        refused(json!({"TaskId": task, "MixInputList": [view(0, 1)]})),
        None
    );
}

fn oss() -> StorageParams {
    StorageParams {
        region: Some("oss-cn-hangzhou".into()),
        bucket: Some("bucket".into()),
        access_key_id: Some("AKID".into()),
        access_key_secret: Some(KEY_SECRET.into()),
        ..StorageParams::new(StorageVendor::AlibabaCloudOss)
    }
}

/// Issue 14 "Secrets inside request bodies": Debug of a full StartRecord request never shows
/// a secret, and the wire body carries each verbatim.
#[test]
fn debug_of_a_full_start_record_never_shows_the_secrets() -> TestResult {
    let mut v = mixed();
    v["StorageParams"]["AlibabaCloudVodParams"] = json!({
        "Region": "cn", "AccessKeyId": "id", "AccessKeySecret": VOD_SECRET, "Title": "t",
        "StorageLocation": "x.oss-cn-x.aliyuncs.com"
    });
    v["StorageParams"]["TencentCloudVodParams"] =
        json!({"SecretId": "sid", "SecretKey": VOD_SECRET, "Region": "ap"});
    let req = parse(&v, UnknownFields::Refuse)?;
    let shown = format!("{req:?} {req:#?}");
    for secret in [KEY_SECRET, VOD_SECRET] {
        assert!(!shown.contains(secret), "Debug shows a secret");
        assert!(
            serde_json::to_string(&req)?.contains(secret),
            "the wire body keeps it"
        );
    }
    assert!(shown.contains("[REDACTED]"));
    // Errors about a secret field never quote it.
    let mut bad = mixed();
    bad["StorageParams"]["AccessKeySecret"] = json!(123_456_789);
    let e = parse(&bad, UnknownFields::Refuse).err().ok_or("accepted")?;
    assert_eq!(e.parameter(), Some("$.StorageParams.AccessKeySecret"));
    assert!(!format!("{e} {e:?}").contains("123456789"));
    Ok(())
}

#[test]
fn built_in_code_like_the_json() -> TestResult {
    let mut mix = MixConfig::new("mix-1");
    mix.mix_mode = Some(MixMode::Custom);
    mix.mix_input_list = Some(vec![MixInputListItem {
        stream_id: Some("a".into()),
        view_type: Some(ViewType::AudioVideo),
        ..MixInputListItem::new(0, 0, 720, 1280, 1)
    }]);
    mix.mix_output_video_config = Some(MixOutputVideoConfig::new(1280, 720, 1_500_000));
    let input = RecordInputParams {
        stream_type: Some(StreamType::AudioVideoMerged),
        mix_config: Some(mix),
        ..RecordInputParams::new(RecordMode::Mixed)
    };
    let req = StartRecordRequest::builder()
        .room_id("room-1")
        .record_input_params(input)
        .record_output_params(RecordOutputParams {
            output_file_format: Some(OutputFileFormat::Mp3),
            ..RecordOutputParams::new()
        })
        .storage_params(oss())
        .build()?;
    let back = StartRecordRequest::from_json(&serde_json::to_vec(&req)?, UnknownFields::Refuse)?;
    assert_eq!(back, req);
    // A missing required top-level field names its path.
    let e = StartRecordRequest::builder().room_id("r").build().err();
    assert_eq!(
        e.as_ref().and_then(|e| e.parameter()),
        Some("$.RecordInputParams")
    );
    Ok(())
}

// ---- contradictions of lifecycle/zego.md touching the models ----

/// C-12: colours are 0xRRGGBB00 in an "int32" field; white (0xFFFFFF00) is above i32::MAX.
#[test]
fn c12_colours_are_unsigned_words() -> TestResult {
    let mut v = mixed();
    v["RecordInputParams"]["FillFrame"] =
        json!({"FrameFillMode": 2, "FrameFillColor": 0xFF00_0000u32});
    let req = parse(&v, UnknownFields::Refuse)?;
    let mix = req
        .record_input_params()
        .mix_config
        .as_ref()
        .ok_or("no MixConfig")?;
    assert_eq!(mix.mix_output_background_color, Some(0xFFFF_FF00));
    assert_eq!(serde_json::to_value(&req)?, v);
    let mut wb = Whiteboard::new(16, 9);
    wb.background_color = Some(0xFFFF_FF00);
    assert_eq!(
        serde_json::to_value(&wb)?["BackgroundColor"],
        json!(4_294_967_040u64)
    );
    // A negative (two's complement) colour is not a u32: refused with its path.
    v["RecordInputParams"]["FillFrame"]["FrameFillColor"] = json!(-256);
    assert_eq!(
        refused(&v).0,
        "$.RecordInputParams.FillFrame.FrameFillColor"
    );
    Ok(())
}

/// C-11: Fps is "required" and has a default of 15: an omitted Fps is accepted.
#[test]
fn c11_fps_may_be_omitted() -> TestResult {
    let mut v = mixed();
    v["RecordInputParams"]["MixConfig"]["MixOutputVideoConfig"]
        .as_object_mut()
        .map(|o| o.remove("Fps"));
    let req = parse(&v, UnknownFields::Refuse)?;
    assert_eq!(
        serde_json::to_value(&req)?,
        v,
        "nothing is added on the wire"
    );
    Ok(())
}

/// C-13: StartRecord accepts mp3 and ogg; the response-side enum knows them too.
#[test]
fn c13_mp3_and_ogg_outputs() -> TestResult {
    for format in ["mp3", "ogg"] {
        let mut v = mixed();
        v["RecordOutputParams"]["OutputFileFormat"] = json!(format);
        let req = parse(&v, UnknownFields::Refuse)?;
        let out = req
            .record_output_params()
            .and_then(|o| o.output_file_format.clone());
        assert!(out.is_some_and(|f| !f.is_unknown() && f.raw() == format));
    }
    Ok(())
}

/// C-17: TaskIds are "fixed 16 bytes" but the examples are placeholders; the examples
/// decode (fixtures) and validate() refuses them; the Vendor 5 example's empty strings pass.
#[test]
fn c17_placeholder_task_ids_and_empty_storage_strings() -> TestResult {
    let doc = br#"{"TaskId": "XXXXXXXXXXX"}"#;
    let e = PauseRecordRequest::from_json(doc, UnknownFields::Refuse).err();
    assert_eq!(e.as_ref().and_then(|e| e.parameter()), Some("$.TaskId"));
    let ok =
        PauseRecordRequest::from_json(br#"{"TaskId": "YRHu6-E4IyvEAAAD"}"#, UnknownFields::Refuse)?;
    assert_eq!(ok.task_id(), "YRHu6-E4IyvEAAAD");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/zego/start_record/requests");
    for case in [
        "vendor5_alibaba_vod",
        "vendor10_s3_compatible",
        "vendor2_alibaba_oss",
    ] {
        let body = std::fs::read(root.join(format!("{case}.json")))?;
        StartRecordRequest::from_json(&body, UnknownFields::Refuse)?;
    }
    // The response's 12-character example TaskId is kept as received.
    let resp: StartRecordResponse =
        serde_json::from_str(r#"{"Code":0,"Data":{"TaskId":"XXXXXXXXXXXX"}}"#)?;
    assert_eq!(
        resp.data.and_then(|d| d.task_id).as_deref(),
        Some("XXXXXXXXXXXX")
    );
    Ok(())
}

/// C-9 / C-10: MixOutputVideoConfig is optional in the schema but needed for mixed video;
/// an absent StreamType means 3 (video), so it is needed then too; audio-only does not.
#[test]
fn c10_video_config_follows_the_stream_type() -> TestResult {
    let mut v = mixed();
    let mix = &mut v["RecordInputParams"]["MixConfig"];
    mix.as_object_mut()
        .map(|o| o.remove("MixOutputVideoConfig"));
    v["RecordInputParams"]
        .as_object_mut()
        .map(|o| o.remove("StreamType"));
    assert_eq!(
        refused(&v).0,
        "$.RecordInputParams.MixConfig.MixOutputVideoConfig"
    );
    v["RecordInputParams"]["StreamType"] = json!(1);
    parse(&v, UnknownFields::Refuse)?;
    Ok(())
}

/// A dry run (`prepare_start_record`, `recq zego start --dry-run`) shows the body with every
/// storage and VOD secret replaced, while the request it signs carries them.
#[test]
fn a_dry_run_shows_the_body_without_its_secrets() -> TestResult {
    let mut v = mixed();
    v["StorageParams"]["TencentCloudVodParams"] =
        json!({"SecretId": "sid", "SecretKey": VOD_SECRET, "Region": "ap"});
    let req = parse(&v, UnknownFields::Refuse)?;
    let client = zego_record::Client::builder(zego_record::Credentials::new(
        1_234_567_890,
        "server-secret-0123456789abcdef",
    )?)
    .base_url("http://127.0.0.1:9")
    .build()?;
    let prepared = client.prepare_start_record(&req)?;
    let body = prepared.body.as_deref().ok_or("no body")?;
    for secret in [KEY_SECRET, VOD_SECRET] {
        assert!(!body.contains(secret), "the dry run shows a secret: {body}");
    }
    let shown: Value = serde_json::from_str(body)?;
    assert_eq!(shown["StorageParams"]["AccessKeySecret"], "[redacted]");
    assert_eq!(
        shown["StorageParams"]["TencentCloudVodParams"]["SecretKey"],
        "[redacted]"
    );
    // Everything else is the body that is sent.
    assert_eq!(shown["StorageParams"]["AccessKeyId"], "AKID");
    assert_eq!(shown["RecordInputParams"], v["RecordInputParams"]);
    // Outside the dry run the wire body is unchanged (the redaction does not leak out).
    assert!(serde_json::to_string(&req)?.contains(KEY_SECRET));
    Ok(())
}
