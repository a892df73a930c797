use super::*;
use crate::resource::ResourceKind;
use serde_json::json;

fn record(name: &str, request: Value, response: Value) -> Value {
    json!({
        "eventVersion": "1.09", "eventID": "e-1", "eventName": name, "eventSource": "appmesh.amazonaws.com",
        "eventTime": "2026-11-23T03:00:00Z", "awsRegion": "eu-west-1", "recipientAccountId": "111122223333",
        "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/admin/alice",
            "sessionContext": {"sessionIssuer": {"arn": "arn:aws:iam::111122223333:role/admin"}}},
        "requestParameters": request, "responseElements": response
    })
}

fn envelope(detail: Value) -> Value {
    json!({"version": "0", "id": "env-1", "detail-type": "AWS API Call via CloudTrail", "source": "aws.appmesh",
           "account": "111122223333", "time": "2026-11-23T03:00:01Z", "region": "eu-west-1", "resources": [], "detail": detail})
}

fn routed(value: &Value) -> RoutedEvent {
    match route(value).unwrap() {
        Incoming::CloudTrail(r) => r,
        other => panic!("expected a CloudTrail route, got {other:?}"),
    }
}

fn gateway(account: &str) -> ResourceRef {
    ResourceRef::new(ResourceKind::VirtualGateway, account, "eu-west-1", "m/g")
}

#[test]
fn update_routes_to_evaluate_with_the_produced_version_and_incarnation() {
    let event = envelope(record(
        "UpdateVirtualGateway",
        json!({"meshName": "m", "virtualGatewayName": "g", "spec": {}}),
        json!({"virtualGateway": {"meshName": "m", "virtualGatewayName": "g", "metadata": {"version": 4, "uid": "u-1", "createdAt": "Nov 5, 2023, 4:29:11 AM"}}}),
    ));
    let r = routed(&event);
    assert_eq!(
        r.route,
        Route::Evaluate {
            resource: gateway("111122223333"),
            expected_version: Some(4),
            expected_uid: Some("u-1".into())
        }
    );
    assert_eq!(
        r.meta.actor.as_deref(),
        Some("arn:aws:sts::111122223333:assumed-role/admin/alice")
    );
    assert_eq!(
        r.meta.actor_issuer.as_deref(),
        Some("arn:aws:iam::111122223333:role/admin")
    );
    // The same record without the envelope routes the same way.
    assert_eq!(routed(&event["detail"]).route, r.route);
}

#[test]
fn mesh_owner_is_the_account_of_a_shared_mesh_resource() {
    let event = record(
        "DeleteVirtualGateway",
        json!({"meshName": "m", "virtualGatewayName": "g", "meshOwner": "444455556666"}),
        json!(null),
    );
    assert_eq!(
        routed(&event).route,
        Route::Deleted {
            resource: gateway("444455556666")
        }
    );
}

#[test]
fn names_fall_back_to_the_response() {
    let event = record(
        "CreateMesh",
        json!({"clientToken": "t"}),
        json!({"mesh": {"meshName": "from-response", "metadata": {"version": 1}}}),
    );
    let Route::Evaluate {
        resource,
        expected_version,
        ..
    } = routed(&event).route
    else {
        panic!()
    };
    assert_eq!(
        (resource.id.as_str(), expected_version),
        ("from-response", Some(1))
    );
}

#[test]
fn tag_calls_route_by_arn() {
    let tag = |arn: &str| {
        record(
            "TagResource",
            json!({"resourceArn": arn, "tags": [{"key": "team", "value": "a"}]}),
            json!(null),
        )
    };
    assert_eq!(
        routed(&tag(
            "arn:aws:appmesh:eu-west-1:444455556666:mesh/m/virtualGateway/g"
        ))
        .route,
        Route::Evaluate {
            resource: gateway("444455556666"),
            expected_version: None,
            expected_uid: None
        }
    );
    let router = routed(&tag("arn:aws:appmesh:eu-west-1:1:mesh/m/virtualRouter/r")).route;
    assert_eq!(
        router,
        Route::Ignore {
            reason: IgnoreReason::UnmodelledKind("virtualRouter".into()),
            resource: None
        }
    );
    assert!(matches!(
        route(&tag("arn:aws:s3:::bucket")),
        Err(EventError::InvalidArn(_))
    ));
}

#[test]
fn ignores_failed_read_only_foreign_and_unmodelled_calls() {
    let mut failed = record("UpdateMesh", json!({"meshName": "m"}), json!(null));
    failed["errorCode"] = json!("AccessDenied");
    let Route::Ignore { reason, resource } = routed(&failed).route else {
        panic!()
    };
    assert_eq!(
        reason,
        IgnoreReason::FailedCall {
            code: "AccessDenied".into()
        }
    );
    assert_eq!(resource.map(|r| r.id), Some("m".to_owned()));
    // A failed call without request parameters is still just ignored.
    let mut bare_failure = record("CreateMesh", json!(null), json!(null));
    bare_failure["errorCode"] = json!("ValidationException");
    assert!(matches!(
        routed(&bare_failure).route,
        Route::Ignore {
            reason: IgnoreReason::FailedCall { .. },
            ..
        }
    ));

    let read = record("DescribeMesh", json!({"meshName": "m"}), json!(null));
    assert_eq!(
        routed(&read).route,
        Route::Ignore {
            reason: IgnoreReason::ReadOnly,
            resource: None
        }
    );
    let route_call = record("CreateRoute", json!({"meshName": "m"}), json!(null));
    assert_eq!(
        routed(&route_call).route,
        Route::Ignore {
            reason: IgnoreReason::UnmodelledKind("route".into()),
            resource: None
        }
    );
    let mut ec2 = record("RunInstances", json!({}), json!(null));
    ec2["eventSource"] = json!("ec2.amazonaws.com");
    assert!(matches!(
        routed(&ec2).route,
        Route::Ignore {
            reason: IgnoreReason::OtherService(_),
            ..
        }
    ));
    let odd = record("StartMeshParty", json!({}), json!(null));
    assert_eq!(
        routed(&odd).route,
        Route::Ignore {
            reason: IgnoreReason::UnhandledEvent,
            resource: None
        }
    );
}

#[test]
fn scheduled_events_ask_for_a_sweep() {
    let event = json!({"version": "0", "id": "sched-1", "detail-type": "Scheduled Event", "source": "aws.scheduler",
                       "time": "2026-11-23T00:00:00Z", "detail": {}});
    assert_eq!(
        route(&event).unwrap(),
        Incoming::Sweep(SweepRequest {
            id: "sched-1".into(),
            time: Some("2026-11-23T00:00:00Z".into())
        })
    );
}

#[test]
fn malformed_input_is_a_typed_error_naming_the_field() {
    let cases: Vec<(Value, &str)> = vec![
        (json!([]), "expected a JSON object, found an array"),
        (
            json!({"detail-type": "AWS API Call via CloudTrail"}),
            "missing field detail",
        ),
        (
            json!({"detail-type": "AWS API Call via CloudTrail", "detail": "x"}),
            "field detail must be an object",
        ),
        (
            json!({"detail-type": "EC2 Instance State-change Notification", "detail": {}}),
            "unsupported detail-type",
        ),
        (
            envelope(json!({"eventID": "e", "eventSource": "appmesh.amazonaws.com"})),
            "missing field detail.eventName",
        ),
        (
            envelope(
                json!({"eventID": "e", "eventName": 7, "eventSource": "appmesh.amazonaws.com"}),
            ),
            "field detail.eventName must be a string",
        ),
        (
            record("UpdateMesh", json!({}), json!(null)),
            "missing field requestParameters.meshName",
        ),
        (
            record(
                "UpdateVirtualNode",
                json!({"meshName": "m"}),
                json!({"virtualNode": {"meshName": "m"}}),
            ),
            "missing field requestParameters.virtualNodeName",
        ),
        (
            record("UpdateMesh", json!("x"), json!(null)),
            "field requestParameters must be an object",
        ),
        (
            json!({"detail-type": "Scheduled Event"}),
            "missing field id",
        ),
    ];
    for (input, expected) in cases {
        let err = route(&input).unwrap_err().to_string();
        assert!(err.contains(expected), "{input}: {err}");
    }
    assert!(matches!(
        route_json("{\"detail\":"),
        Err(EventError::NotJson(_))
    ));
}

#[test]
fn envelope_fills_what_the_record_lacks() {
    let mut bare = record("UpdateMesh", json!({"meshName": "m"}), json!(null));
    for key in ["eventTime", "awsRegion", "recipientAccountId"] {
        bare.as_object_mut().unwrap().remove(key);
    }
    let r = routed(&envelope(bare.clone()));
    assert_eq!(
        (r.meta.event_time.as_str(), r.meta.region.as_str()),
        ("2026-11-23T03:00:01Z", "eu-west-1")
    );
    assert_eq!(r.meta.recipient_account, "111122223333");
    assert!(matches!(route(&bare), Err(EventError::MissingField(f)) if f == "eventTime"));
}

#[test]
fn handled_names_match_the_file_the_infrastructure_reads() {
    let file: Vec<String> =
        serde_json::from_str(include_str!("../../handled-events.json")).unwrap();
    assert_eq!(file, HANDLED_EVENT_NAMES.map(str::to_owned).to_vec());
    let mut sorted = HANDLED_EVENT_NAMES;
    sorted.sort_unstable();
    assert_eq!(sorted, HANDLED_EVENT_NAMES);
}

#[test]
fn decision_flattens_for_the_cli() {
    let event = record("DeleteMesh", json!({"meshName": "m"}), json!(null));
    let decision = serde_json::to_value(Decision::of(&route(&event).unwrap())).unwrap();
    assert_eq!(
        decision,
        json!({"route": "deleted", "service": "appmesh", "kind": "mesh", "account": "111122223333", "region": "eu-west-1", "id": "m",
               "mesh": "m", "name": null, "eventName": "DeleteMesh", "eventId": "e-1",
               "actor": "arn:aws:sts::111122223333:assumed-role/admin/alice", "expectedVersion": null,
               "expectedUid": null})
    );
}

#[test]
fn only_trusted_envelope_sources_carry_app_mesh_calls() {
    assert_eq!(
        *TRUSTED_SOURCES,
        ["aws.appmesh", "aws.vpc-lattice", "aws.ecs"]
    );
    let update = || {
        record(
            "UpdateVirtualGateway",
            json!({"meshName": "m", "virtualGatewayName": "g", "spec": {}}),
            json!({"virtualGateway": {"metadata": {"version": 4}}}),
        )
    };
    let with_source = |source: Option<Value>| {
        let mut event = envelope(update());
        match source {
            Some(source) => event["source"] = source,
            None => {
                event.as_object_mut().unwrap().remove("source");
            }
        }
        event
    };
    let untrusted = |source: &str| Route::Ignore {
        reason: IgnoreReason::UntrustedSource {
            source: source.into(),
            expected: "aws.appmesh",
        },
        resource: None,
    };
    assert_eq!(
        routed(&with_source(Some(json!("custom.appmesh")))).route,
        untrusted("custom.appmesh")
    );
    // Exact match only.
    assert_eq!(
        routed(&with_source(Some(json!("aws.appmesh ")))).route,
        untrusted("aws.appmesh ")
    );
    for missing in [None, Some(json!(null)), Some(json!(""))] {
        assert_eq!(routed(&with_source(missing)).route, untrusted(""));
    }
    assert_eq!(
        routed(&with_source(Some(json!(["aws.appmesh"])))).route,
        untrusted("[\"aws.appmesh\"]")
    );
    // Nothing else in an untrusted record is read: not its error code, nor its parameters.
    let mut failed = envelope(record("UpdateMesh", json!(7), json!(null)));
    failed["source"] = json!("aws.ec2");
    failed["detail"]["errorCode"] = json!({"not": "a string"});
    assert_eq!(routed(&failed).route, untrusted("aws.ec2"));
    assert_eq!(
        IgnoreReason::UntrustedSource {
            source: "aws.ec2".into(),
            expected: "aws.appmesh"
        }
        .to_string(),
        "envelope source \"aws.ec2\" is not aws.appmesh"
    );
    // Each service's records are trusted under its own source only.
    assert_eq!(
        routed(&with_source(Some(json!("aws.vpc-lattice")))).route,
        untrusted("aws.vpc-lattice")
    );
    // A trusted envelope and a bare record route as before.
    let trusted = routed(&with_source(Some(json!("aws.appmesh")))).route;
    assert!(matches!(trusted, Route::Evaluate { .. }), "{trusted:?}");
    assert_eq!(routed(&update()).route, trusted);
    // Other services' calls stay OtherService whatever the envelope says.
    let mut ec2 = envelope(record("RunInstances", json!({}), json!(null)));
    ec2["source"] = json!("aws.ec2");
    ec2["detail"]["eventSource"] = json!("ec2.amazonaws.com");
    assert_eq!(
        routed(&ec2).route,
        Route::Ignore {
            reason: IgnoreReason::OtherService("ec2.amazonaws.com".into()),
            resource: None
        }
    );
}

fn at(time: &str) -> SystemTime {
    humantime::parse_rfc3339(time).unwrap()
}

fn with_time(time: &str) -> Value {
    let mut event = record("UpdateMesh", json!({"meshName": "m"}), json!(null));
    event["eventTime"] = json!(time);
    event
}

#[test]
fn event_times_more_than_the_skew_ahead_of_the_clock_are_rejected() {
    assert_eq!(MAX_CLOCK_SKEW, Duration::from_secs(300));
    let now = at("2026-11-25T15:00:00Z");
    for accepted in [
        "2020-01-01T00:00:00Z",
        "2026-11-25T15:00:00Z",
        "2026-11-25T15:05:00Z",
    ] {
        assert!(route_at(&with_time(accepted), now).is_ok(), "{accepted}");
    }
    assert_eq!(
        route_at(&with_time("2026-11-25T15:05:01Z"), now),
        Err(EventError::FutureEventTime {
            event_time: "2026-11-25T15:05:01Z".into(),
            limit: "2026-11-25T15:05:00Z".into()
        })
    );
    let err = route_at(&with_time("2027-11-25T15:00:00Z"), now).unwrap_err();
    assert_eq!(
        err.to_string(),
        "eventTime 2027-11-25T15:00:00Z is in the future: after 2026-11-25T15:05:00Z \
         (the clock plus the allowed skew)"
    );
    // The envelope's time, standing in for a missing eventTime, is held to the same limit.
    let mut bare = with_time("2026-11-25T15:00:00Z");
    bare.as_object_mut().unwrap().remove("eventTime");
    let mut event = envelope(bare);
    event["time"] = json!("2026-11-25T16:00:00Z");
    assert!(matches!(
        route_at(&event, now),
        Err(EventError::FutureEventTime { .. })
    ));
    // route_json_at is route_at on the parsed text.
    let text = with_time("2026-11-25T15:05:01Z").to_string();
    assert!(matches!(
        route_json_at(&text, now),
        Err(EventError::FutureEventTime { .. })
    ));
    assert!(route_json_at(&text, at("2026-11-25T15:00:01Z")).is_ok());
}

#[test]
fn route_and_route_json_use_the_system_clock() {
    let now = SystemTime::now();
    let time = |t: SystemTime| humantime::format_rfc3339_seconds(t).to_string();
    let past = with_time(&time(now - Duration::from_secs(3600)));
    let future = with_time(&time(now + Duration::from_secs(3600)));
    assert!(route(&past).is_ok());
    assert!(route_json(&past.to_string()).is_ok());
    assert!(matches!(
        route(&future),
        Err(EventError::FutureEventTime { .. })
    ));
    assert!(matches!(
        route_json(&future.to_string()),
        Err(EventError::FutureEventTime { .. })
    ));
}

#[test]
fn event_times_must_be_rfc3339_utc() {
    let now = at("2026-11-25T15:00:00Z");
    for bad in [
        "2026-11-23 03:00:00Z",
        "2026-11-23T03:00:00",
        "2026-11-23T03:00:00+01:00",
        "2026-11-23T03:00:00-00:00",
        "2026-11-23t03:00:00z",
        "2026-11-23",
        "2026-02-30T03:00:00Z",
        "2026-11-23T24:00:00Z",
        "1969-12-31T23:59:59Z",
        "Nov 23, 2026, 3:00:00 AM",
        "1764126000",
        "2026-11-23T03:00:00Zé",
        "2026-11-23T03:00:00.1é3Z",
        "  2026-11-23T03:00:00Z",
    ] {
        assert_eq!(
            route_at(&with_time(bad), now),
            Err(EventError::InvalidEventTime(bad.into())),
            "{bad}"
        );
    }
    assert_eq!(
        EventError::InvalidEventTime("yesterday".into()).to_string(),
        "eventTime \"yesterday\" is not an RFC 3339 UTC timestamp"
    );
    // A non-string eventTime is a type error, as before.
    let mut numeric = with_time("x");
    numeric["eventTime"] = json!(1_764_126_000);
    assert!(matches!(
        route_at(&numeric, now),
        Err(EventError::WrongType { field, .. }) if field == "eventTime"
    ));
}

#[test]
fn any_clock_routes_without_panicking() {
    let event = with_time("2026-11-23T03:00:00Z");
    let epoch_limit = route_at(&event, UNIX_EPOCH).unwrap_err();
    assert_eq!(
        epoch_limit,
        EventError::FutureEventTime {
            event_time: "2026-11-23T03:00:00Z".into(),
            limit: "1970-01-01T00:05:00Z".into()
        }
    );
    // Clocks humantime cannot format, or where adding the skew overflows.
    let before_1970 = UNIX_EPOCH.checked_sub(Duration::from_secs(86_400)).unwrap();
    assert!(matches!(
        route_at(&event, before_1970),
        Err(EventError::FutureEventTime { .. })
    ));
    let latest = (0..64)
        .find_map(|shift| UNIX_EPOCH.checked_add(Duration::from_secs(u64::MAX >> shift)))
        .unwrap();
    assert!(route_at(&event, latest).is_ok());
    let after_9999 = UNIX_EPOCH + Duration::from_secs(300_000_000_000);
    assert!(route_at(&event, after_9999).is_ok());
}

#[test]
fn the_incarnation_is_read_leniently_from_the_response() {
    let create = |metadata: Value| {
        record(
            "CreateVirtualNode",
            json!({"meshName": "m", "virtualNodeName": "n"}),
            json!({"virtualNode": {"meshName": "m", "virtualNodeName": "n", "metadata": metadata}}),
        )
    };
    let read = |metadata: Value| match routed(&create(metadata)).route {
        Route::Evaluate {
            expected_version,
            expected_uid,
            ..
        } => (expected_version, expected_uid),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        read(json!({"version": 1, "uid": "u-7"})),
        (Some(1), Some("u-7".to_owned()))
    );
    for unusable in [
        json!({}),
        json!({"uid": 7}),
        json!({"uid": " "}),
        json!({"uid": null}),
        json!("x"),
    ] {
        assert_eq!(read(unusable.clone()).1, None, "{unusable}");
    }
    // Deletes and ignores carry none; the flat decision shows it after expectedVersion.
    let decision =
        |event: &Value| serde_json::to_value(Decision::of(&route(event).unwrap())).unwrap();
    let evaluated = decision(&create(json!({"version": 3, "uid": "u-7"})));
    assert_eq!(
        (&evaluated["expectedVersion"], &evaluated["expectedUid"]),
        (&json!(3), &json!("u-7"))
    );
    let keys: Vec<&String> = evaluated.as_object().unwrap().keys().collect();
    let at = |key: &str| keys.iter().position(|k| *k == key).unwrap();
    assert_eq!(at("expectedUid"), at("expectedVersion") + 1);
    let mut deleted = create(json!({"version": 3, "uid": "u-7"}));
    deleted["eventName"] = json!("DeleteVirtualNode");
    assert_eq!(decision(&deleted)["expectedUid"], json!(null));
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// Anything in the `eventTime`'s place: near misses of RFC 3339 and arbitrary text.
    fn event_time() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9é]{0,12})?(Z|z|\\+00:00|[+-][0-9]{2}:[0-9]{2})?",
            "\\PC{0,32}",
        ]
    }

    /// Clocks anywhere in `SystemTime`'s range, including before 1970 and after 9999.
    fn clock() -> impl Strategy<Value = SystemTime> {
        prop_oneof![
            any::<i64>().prop_map(|secs| {
                let offset = Duration::from_secs(secs.unsigned_abs());
                if secs < 0 {
                    UNIX_EPOCH.checked_sub(offset)
                } else {
                    UNIX_EPOCH.checked_add(offset)
                }
                .unwrap_or(UNIX_EPOCH)
            }),
            (1_700_000_000u64..1_900_000_000).prop_map(|s| UNIX_EPOCH + Duration::from_secs(s)),
        ]
    }

    fn source() -> impl Strategy<Value = Option<Value>> {
        proptest::option::of(prop_oneof![
            Just(json!("aws.appmesh")),
            "\\PC{0,16}".prop_map(Value::String),
            any::<i64>().prop_map(|n| json!(n)),
            Just(json!(null)),
            Just(json!({"source": "aws.appmesh"})),
        ])
    }

    proptest! {
        #[test]
        fn routing_returns_a_decision_or_an_error(
            time in event_time(),
            now in clock(),
            source in source(),
            wrapped in any::<bool>(),
            uid in proptest::option::of(prop_oneof![
                "\\PC{0,8}".prop_map(Value::String),
                any::<i64>().prop_map(|n| json!(n)),
            ]),
        ) {
            let mut detail = record(
                "UpdateVirtualNode",
                json!({"meshName": "m", "virtualNodeName": "n"}),
                json!({"virtualNode": {"metadata": {"version": 2, "uid": uid}}}),
            );
            detail["eventTime"] = json!(time);
            let event = if wrapped {
                let mut event = envelope(detail);
                match source {
                    Some(source) => event["source"] = source,
                    None => {
                        event.as_object_mut().unwrap().remove("source");
                    }
                }
                event
            } else {
                detail
            };
            if let Ok(incoming) = route_at(&event, now) {
                let _ = serde_json::to_string(&Decision::of(&incoming)).unwrap();
                // What routes has a valid time (the envelope's when the record's is blank), at
                // most the skew ahead of the clock.
                let Incoming::CloudTrail(routed) = incoming else {
                    panic!("{incoming:?}")
                };
                let parsed = humantime::parse_rfc3339(&routed.meta.event_time).unwrap();
                prop_assert!(now.checked_add(MAX_CLOCK_SKEW).is_none_or(|limit| parsed <= limit));
            }
            let _ = route_json_at(&event.to_string(), now);
        }
    }
}
