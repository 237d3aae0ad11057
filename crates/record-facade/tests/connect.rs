//! Switching vendors by configuration: `connect` builds any vendor's client behind
//! `Box<dyn RecordingQuery>`, and the same code queries all four.
#![cfg(all(
    feature = "zego",
    feature = "qingcloud",
    feature = "volc",
    feature = "agora"
))]

use record_facade::{
    ClientConfig, ErrorKind, RecordingState, TaskRef, Vendor, connect, connect_by_id,
};
use std::path::Path;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn vars(name: &str) -> Option<String> {
    Some(
        match name {
            "ZEGO_APP_ID" => "1234567890",
            "ZEGO_SERVER_SECRET" => "0123456789abcdef0123456789abcdef",
            "QINGCLOUD_ACCESS_KEY_ID" => "QYID",
            "QINGCLOUD_SECRET_ACCESS_KEY" => "qsecret",
            "VOLC_ACCESSKEY" => "AKLT",
            "VOLC_SECRETKEY" => "vsecret",
            "AGORA_CUSTOMER_ID" => "cid",
            "AGORA_CUSTOMER_SECRET" => "csecret",
            _ => return None,
        }
        .to_owned(),
    )
}

#[tokio::test]
async fn the_same_code_queries_every_vendor() {
    let cases = [
        (
            "zego",
            "zego/describe_record_status/doc_example.json",
            TaskRef::Zego {
                task_id: "X3CgNeE4I1qAAABN".into(),
            },
            RecordingState::Completed,
        ),
        (
            "qingcloud",
            "qingcloud/list_recordings/doc_example.json",
            TaskRef::QingCloud {
                app_id: "app".into(),
                channel: "room".into(),
                record_id: None,
            },
            RecordingState::Recording,
        ),
        (
            "volc",
            "volc/get_record_task/doc_example.json",
            TaskRef::Volcengine {
                app_id: "a".into(),
                room_id: "r".into(),
                task_id: "t".into(),
            },
            RecordingState::Completed,
        ),
        (
            "agora",
            "agora/query/mix_hls.json",
            TaskRef::Agora {
                app_id: "a".into(),
                resource_id: "r".into(),
                sid: "s".into(),
                mode: "mix".into(),
                cname: None,
                uid: None,
            },
            RecordingState::Recording,
        ),
    ];
    for (id, body, task, state) in &cases {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_string(fixture(body)))
            .mount(&server)
            .await;
        let config = ClientConfig {
            base_url: Some(server.uri()),
            ..ClientConfig::default()
        };
        let client = connect_by_id(id, &config, vars).unwrap();
        assert_eq!(client.vendor().id(), *id);
        assert!(client.capabilities().get);
        let recording = client
            .get(task)
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(recording.vendor.id(), *id);
        assert_eq!(recording.state, *state, "{id}");
        assert_eq!(&recording.task.vendor(), &client.vendor());
        assert!(!server.received_requests().await.unwrap().is_empty());
    }
}

#[test]
fn configuration_errors_are_typed() {
    let e = connect_by_id("twilio", &ClientConfig::default(), vars)
        .err()
        .unwrap();
    assert_eq!(
        (e.kind(), e.parameter()),
        (ErrorKind::InvalidRequest, Some("vendor"))
    );
    let e = connect(Vendor::Zego, &ClientConfig::default(), |_| None)
        .err()
        .unwrap();
    assert_eq!(e.kind(), ErrorKind::InvalidConfiguration);
    assert!(e.to_string().contains("ZEGO_APP_ID"), "{e}");
    let config = ClientConfig {
        host: Some("atlantis".into()),
        ..ClientConfig::default()
    };
    let e = connect(Vendor::Volcengine, &config, vars).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    let caps = connect(Vendor::QingCloud, &ClientConfig::default(), vars)
        .unwrap()
        .capabilities();
    assert!(caps.list && caps.list_requires_room);
    let caps = connect(Vendor::Agora, &ClientConfig::default(), vars)
        .unwrap()
        .capabilities();
    assert!(!caps.list && caps.not_found_means_gone);
}
