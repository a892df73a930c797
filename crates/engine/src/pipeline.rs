//! The pipeline for one routed event: describe → evaluate → plan → (revert) → record → emit.
//! The revert protocol it carries out is described in [`crate::core::revert`].

use crate::core::error::{EngineError, PortError};
use crate::core::exemptions::ExemptionItem;
use crate::core::identity::{content_of, differing_members, revision_of, Identity};
use crate::core::mode::AutoRevert;
use crate::core::ports::{
    ComplianceStore, Described, FindingsSink, RecordOutcome, Reservation, ResourceWriter,
};
use crate::core::reason::{version_text, ActionReason};
use crate::core::record::{epoch_seconds, Action, CapSlot, Cause, Record, RevertIntent, Status};
use crate::core::revert::{self, AfterWrites, Recheck, Takeover};
use crate::core::step::{self, Guards, Plan};
use crate::engine::Engine;
use crate::metrics::Counts;
use crate::outcome::{EventReport, Handled};
use meshwarden_rules::event::{
    is_own_identity, service_of_event_source, IgnoreReason, Route, RoutedEvent,
};
use meshwarden_rules::exemption::Exemption;
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::ResourceRef;
use meshwarden_rules::verdict::ComplianceStatus;
use serde_json::Value;
use std::time::{Duration, Instant, SystemTime};

impl<R: ResourceWriter, S: ComplianceStore, F: FindingsSink> Engine<R, S, F> {
    /// Run the pipeline for one event; the counts are the caller's to emit.
    pub(crate) async fn process_counted(
        &self,
        routed: &RoutedEvent,
        delivery: &str,
    ) -> (Result<Handled, EngineError>, Counts) {
        let mut run = EventRun {
            engine: self,
            routed,
            delivery,
            now: SystemTime::now(),
            started: Instant::now(),
            counts: Counts::default().of(service_of_event_source(&routed.meta.event_source)),
            last_compliant: None,
            exemptions: None,
        };
        // Boxed: the pipeline's nested futures (SDK calls included) are too large for a
        // test thread's stack in debug builds.
        let outcome = Box::pin(run.run()).await;
        (outcome, run.counts)
    }
}

/// One event going through the pipeline.
struct EventRun<'a, R, S, F> {
    engine: &'a Engine<R, S, F>,
    routed: &'a RoutedEvent,
    delivery: &'a str,
    now: SystemTime,
    started: Instant,
    counts: Counts,
    /// The last compliant copy of the resource, once read (a revert needs it twice).
    last_compliant: Option<Option<Resource>>,
    /// The resource's exemptions, once read (a revert evaluates twice, a resumed one reads them
    /// before it re-plans).
    exemptions: Option<Vec<Exemption>>,
}

/// What an event asks the pipeline for.
enum Target {
    /// Describe and evaluate a resource.
    Resource {
        /// The resource.
        resource: ResourceRef,
        /// The version and incarnation the call produced, when known.
        expected: (Option<i64>, Option<String>),
        /// The call deleted it.
        deleted: bool,
    },
    /// Nothing to do, and why.
    Ignored(IgnoreReason),
}

impl<R: ResourceWriter, S: ComplianceStore, F: FindingsSink> EventRun<'_, R, S, F> {
    fn cause(&self) -> Cause {
        Cause::from(&self.routed.meta)
    }

    fn fresh(&self) -> bool {
        event_age(&self.routed.meta.event_time, self.now) < self.engine.config.consistency_window
    }

    /// What the event asks for: a resource to evaluate (for a call naming only a part, a VPC
    /// Lattice access log subscription, the owner recorded for it), or why nothing is to be done.
    async fn target(&self) -> Result<Target, EngineError> {
        let ignored = |reason: IgnoreReason| Ok(Target::Ignored(reason));
        let evaluate = |resource: &ResourceRef, version, uid: &Option<String>, deleted| {
            Ok(Target::Resource {
                resource: resource.clone(),
                expected: (version, uid.clone()),
                deleted,
            })
        };
        match &self.routed.route {
            Route::Evaluate {
                resource,
                expected_version,
                expected_uid,
            } => evaluate(resource, *expected_version, expected_uid, false),
            Route::Deleted { resource } => evaluate(resource, None, &None, true),
            Route::Ignore { reason, .. } => ignored(reason.clone()),
            Route::Child { child } => {
                let owner = self.engine.store.owner_of(&child.key()).await;
                let owner = owner.or_else(|err| EngineError::refusal(err).map(|_| None))?;
                match owner.and_then(|id| ResourceRef::from_key(&id).ok()) {
                    Some(owner) => evaluate(&owner, None, &None, false),
                    None => ignored(IgnoreReason::OwnerNotNamed(format!(
                        "{child} (never in a compliant copy Meshwarden recorded)"
                    ))),
                }
            }
        }
    }

    async fn run(&mut self) -> Result<Handled, EngineError> {
        let (resource, (expected_version, expected_uid), is_delete) = match self.target().await? {
            Target::Resource {
                resource,
                expected,
                deleted,
            } => (resource, expected, deleted),
            Target::Ignored(reason) => {
                return Ok(Handled::Ignored {
                    event_id: Some(self.routed.meta.event_id.clone()),
                    reason,
                })
            }
        };
        let resource = &resource;
        let described = match self.engine.resources.describe(resource).await {
            Ok(described) => described,
            Err(err) => return Box::pin(self.refused(resource, err, "describe refused")).await,
        };
        let described = match described {
            Some(d) if !Identity::of(&d.resource).deleted => d,
            _ => return Box::pin(self.gone(resource, is_delete)).await,
        };
        // An older version than the event produced is eventual consistency — unless the event
        // was about another incarnation (re-created since): then the live one is the truth.
        let same_incarnation = match (expected_uid.as_deref(), described.resource.uid()) {
            (Some(event), Some(live)) => event == live,
            _ => true,
        };
        if let (Some(expected), Some(seen)) = (expected_version, described.resource.version()) {
            if self.fresh() && same_incarnation && seen < expected {
                return Err(EngineError::NotYetConsistent(format!(
                    "{resource}: described version {seen} is older than the event's {expected}"
                )));
            }
        }
        Box::pin(self.evaluate(resource, described)).await
    }

    /// A call about the resource was refused: recorded as an error (transient faults are the
    /// runtime's to retry).
    async fn refused(
        &mut self,
        resource: &ResourceRef,
        err: PortError,
        what: &'static str,
    ) -> Result<Handled, EngineError> {
        let refused = EngineError::refusal(err)?;
        tracing::error!(resource = %resource, error = %refused, "{what}");
        self.counts.errors += 1;
        let mut record = Record::new(
            resource.clone(),
            self.cause(),
            Status::Error,
            SystemTime::now(),
        );
        record.action_reason = Some(ActionReason::Refused(refused.to_string()));
        Box::pin(self.write(record)).await
    }

    /// The resource is not there (or described as DELETED). Inside the consistency window a
    /// create/update event retries — unless STATE already records a deletion at or after the
    /// event (a create quickly rolled back): then the event is superseded and recorded now.
    async fn gone(
        &mut self,
        resource: &ResourceRef,
        is_delete: bool,
    ) -> Result<Handled, EngineError> {
        // Seen gone now, after the describe.
        let mut record = Record::new(
            resource.clone(),
            self.cause(),
            Status::Deleted,
            SystemTime::now(),
        );
        if self.fresh() && !is_delete {
            let state = self.engine.store.state(&resource.key()).await;
            let state = state.or_else(|err| EngineError::refusal(err).map(|_| None))?;
            let deleted_since = state.filter(|s| {
                s.common.status == Status::Deleted
                    && s.common.event_time >= self.routed.meta.event_time
            });
            let Some(deletion) = deleted_since else {
                return Err(EngineError::NotYetConsistent(format!(
                    "{resource} not found yet; the {} event is younger than the consistency window",
                    self.routed.meta.event_name
                )));
            };
            record.action_reason = Some(ActionReason::Superseded {
                event_name: deletion.common.event_name,
                event_time: deletion.common.event_time,
            });
        }
        Box::pin(self.write(record)).await
    }

    async fn evaluate(
        &mut self,
        resource: &ResourceRef,
        described: Described<R::Snapshot>,
    ) -> Result<Handled, EngineError> {
        let config = &self.engine.config;
        let tags = self
            .engine
            .tags_if_needed(resource, &described.snapshot)
            .await?;
        // Unreadable exemptions: nothing is judged (judging without them could revert an
        // accepted failure).
        if let Err(err) = self.read_exemptions(resource).await {
            return Box::pin(self.refused(resource, err, "exemptions unreadable")).await;
        }
        let by_tag = self.engine.tag_exemptions(tags.as_deref(), self.now);
        if let Some(read) = self.exemptions.as_mut() {
            read.extend(by_tag);
        }
        let mut assessment = step::assess(&described.resource, tags.as_deref(), &config.rules);
        self.counts.exempted += u64::from(step::exempt(&mut assessment, self.exempted(), self.now));
        self.counts.evaluations += 1;
        self.counts.non_compliant += u64::from(assessment.status == ComplianceStatus::NonCompliant);
        // The evaluation's time is taken after its describe: of two evaluations, the one
        // described later is recorded later (`state_order`).
        let mut record = step::record_of(
            resource,
            self.cause(),
            &described.resource,
            &assessment,
            SystemTime::now(),
        );
        if assessment.status == ComplianceStatus::Compliant || config.auto_revert == AutoRevert::Off
        {
            return Box::pin(self.write(record)).await;
        }
        let own_change = config
            .own_role_arn
            .as_deref()
            .is_some_and(|own| is_own_identity(&self.routed.meta, own));
        let plan = Box::pin(self.plan(
            resource,
            &described.resource,
            &assessment,
            tags.as_deref(),
            own_change,
        ))
        .await?;
        match plan {
            Plan::Revert { patched, note, .. } => {
                Box::pin(self.reserve(record, &patched, note)).await
            }
            other => {
                step::annotate(&mut record, &other);
                self.counts.revert_skipped += u64::from(record.action == Action::RevertSkipped);
                Box::pin(self.write(record)).await
            }
        }
    }

    /// Read the resource's exemptions, once per event (one Query of its partition).
    async fn read_exemptions(&mut self, resource: &ResourceRef) -> Result<(), PortError> {
        if self.exemptions.is_none() {
            let items = self.engine.store.exemptions(&resource.key()).await?;
            self.exemptions = Some(items.iter().map(ExemptionItem::exemption).collect());
        }
        Ok(())
    }

    /// The exemptions read by [`Self::read_exemptions`] (none before).
    fn exempted(&self) -> &[Exemption] {
        self.exemptions.as_deref().unwrap_or_default()
    }

    /// The last compliant copy of the resource, from STATE (unreadable: none); read once per
    /// event.
    async fn last_compliant(
        &mut self,
        resource: &ResourceRef,
    ) -> Result<Option<Resource>, EngineError> {
        if let Some(known) = &self.last_compliant {
            return Ok(known.clone());
        }
        let document = match self.engine.store.last_compliant(&resource.key()).await {
            Ok(document) => document,
            Err(err) => {
                let refused = EngineError::refusal(err)?;
                tracing::warn!(resource = %resource, error = %refused, "last compliant copy unreadable");
                None
            }
        };
        let found = document.and_then(|doc| Resource::from_describe_value(&doc).ok());
        self.last_compliant = Some(found.clone());
        Ok(found)
    }

    /// What to do about an assessed resource (the shared step, with this event's guards and
    /// the last compliant copy).
    async fn plan(
        &mut self,
        resource: &ResourceRef,
        described: &Resource,
        assessment: &step::Assessment,
        tags: Option<&[Tag]>,
        own_change: bool,
    ) -> Result<Plan, EngineError> {
        let last_compliant = Box::pin(self.last_compliant(resource)).await?;
        let config = &self.engine.config;
        // In organisation mode a member account's resources are updated with that account's
        // own credentials (its member role): they are ours to update.
        let own_account = match &config.member_role_name {
            Some(_) => Some(resource.account.as_str()),
            None => config.own_account(),
        };
        let guards = Guards {
            mode: config.auto_revert,
            own_change,
            own_account,
        };
        Ok(step::plan(
            described,
            assessment,
            &guards,
            tags,
            &config.rules,
            last_compliant.as_ref(),
        ))
    }

    /// Step 1 of a revert: record the intent and take a slot of the hourly cap, atomically.
    async fn reserve(
        &mut self,
        mut record: Record,
        patched: &Resource,
        note: Option<ActionReason>,
    ) -> Result<Handled, EngineError> {
        let config = &self.engine.config;
        let slot = CapSlot::at(self.now);
        let mut intent = record.clone();
        intent.action = Action::RevertPending;
        intent.action_reason = note;
        intent.before = record.document.clone();
        intent.after = Some(patched.to_describe_value());
        intent.intent = Some(RevertIntent {
            slot: slot.sk.clone(),
            owner: self.delivery.to_owned(),
            lease_until: epoch_seconds(self.now)
                .saturating_add(i64::try_from(config.revert_lease.as_secs()).unwrap_or(i64::MAX)),
            version: record.identity.version,
            uid: record.identity.uid.clone(),
        });
        let max = config.max_reverts_per_hour;
        match self.store_call(self.engine.store.reserve_revert(&intent, &slot, max).await)? {
            Err(refused) => Ok(refused),
            Ok(Reservation::Reserved) => {
                Box::pin(self.count_new_before_revert(&record)).await;
                Box::pin(self.carry_out(intent, true)).await
            }
            Ok(Reservation::Exists(item)) => Box::pin(self.resume(&item)).await,
            Ok(Reservation::Capped) => {
                tracing::warn!(resource = %record.resource, cap = max, "revert capped");
                record.action = Action::RevertSkipped;
                record.action_reason = Some(ActionReason::Capped(max));
                self.counts.revert_skipped += 1;
                self.counts.reverts_capped += 1;
                Box::pin(self.write(record)).await
            }
        }
    }

    /// `NewNonCompliance` of an evaluation a revert will overwrite: compared with STATE as it is
    /// before the revert (one read, on the revert path only: its transaction cannot return the
    /// old item). Unreadable: counted as new (the drift alarm errs towards paging).
    async fn count_new_before_revert(&mut self, evaluated: &Record) {
        let previous_failed = match self.engine.store.state(&evaluated.resource.key()).await {
            Ok(state) => state.map(|s| step::failed_rules(&s.common.findings)),
            Err(err) => {
                tracing::warn!(resource = %evaluated.resource, error = %err, "STATE unreadable");
                Some(Vec::new())
            }
        };
        self.counts.new_non_compliance += u64::from(step::newly_failing(
            &evaluated.findings,
            &previous_failed.unwrap_or_default(),
        ));
    }

    /// The event already has a history item: finish its pending revert if this delivery may.
    async fn resume(
        &mut self,
        item: &crate::core::record::HistoryItem,
    ) -> Result<Handled, EngineError> {
        match revert::takeover(item, self.delivery, epoch_seconds(self.now)) {
            Takeover::Done => {
                let record = Record::from_history(item, self.now);
                Ok(self.recorded(&record, RecordOutcome::Duplicate).await)
            }
            Takeover::Busy { lease_until } => Err(EngineError::RevertInProgress {
                event_id: item.common.event_id.clone(),
                lease_until,
            }),
            Takeover::Resume => {
                tracing::info!(event_id = %item.common.event_id, "resuming a pending revert");
                Box::pin(self.carry_out(Record::from_history(item, self.now), false)).await
            }
        }
    }

    /// Steps 2 and 3: describe again, update only what was evaluated, complete the intent.
    /// `first` is true when no earlier attempt can have made the update (the slot is then given
    /// back whenever no update is made now).
    async fn carry_out(&mut self, intent: Record, first: bool) -> Result<Handled, EngineError> {
        let planned = intent.identity.clone();
        let slot = intent.intent.as_ref().map(|i| CapSlot::named(&i.slot));
        let unused = if first { slot.clone() } else { None };
        let mut done = intent.clone();
        done.intent = None;
        let resource = intent.resource.clone();
        // A resumed revert has not read them yet: an exempted rule must not be reverted.
        if let Err(err) = self.read_exemptions(&resource).await {
            let refused = EngineError::refusal(err)?;
            return Box::pin(self.failed_revert(done, &refused, slot)).await;
        }
        let described = self.engine.resources.describe(&resource).await;
        done.evaluated_at = SystemTime::now();
        let described = match described {
            Ok(described) => described,
            Err(err) => {
                let refused = EngineError::refusal(err)?;
                return Box::pin(self.failed_revert(done, &refused, slot)).await;
            }
        };
        let Some(fresh) = described.filter(|d| !Identity::of(&d.resource).deleted) else {
            done.action = Action::RevertSkipped;
            done.action_reason = Some(ActionReason::DeletedSinceEvaluated);
            self.counts.revert_skipped += 1;
            return Box::pin(self.complete(done, unused)).await;
        };
        let mode = self.engine.config.auto_revert;
        if mode != AutoRevert::On {
            done.action = Action::RevertSkipped;
            done.action_reason = Some(ActionReason::ModeChanged(mode));
            self.counts.revert_skipped += 1;
            return Box::pin(self.complete(done, unused)).await;
        }
        let now_identity = Identity::of(&fresh.resource);
        let fresh_content = content_of(&fresh.resource.to_describe_value());
        let holds =
            |document: Option<&Value>| document.map(content_of).as_ref() == Some(&fresh_content);
        // The revision evaluated and the one now (ECS: the PRIMARY deployment): a revert is made
        // only on the revision it was planned on.
        let evaluated_revision = intent.before.as_ref().and_then(revision_of);
        let fresh_revision = fresh.resource.as_document().revision();
        // Unchanged: the service holds the evaluated content, on the evaluated revision; our
        // earlier update landed: it holds the planned one.
        let same_content = || holds(intent.before.as_ref()) && evaluated_revision == fresh_revision;
        let landed = || holds(intent.after.as_ref());
        match revert::recheck(&planned, &now_identity, same_content, landed) {
            Recheck::Unchanged => Box::pin(self.update(done, fresh, slot)).await,
            Recheck::AlreadyReverted => {
                self.settle(&mut done, &fresh.resource, Action::Reverted, None);
                Box::pin(self.complete(done, None)).await
            }
            Recheck::Changed => {
                done.action = Action::RevertSkipped;
                let redeployed =
                    evaluated_revision != fresh_revision && holds(intent.before.as_ref());
                let reason = match (planned.version, now_identity.version) {
                    // The content as evaluated, on another revision (an image deploy).
                    _ if redeployed => ActionReason::Redeployed {
                        before: evaluated_revision.unwrap_or_else(|| "unknown".to_owned()),
                        now: fresh_revision.unwrap_or_else(|| "unknown".to_owned()),
                    },
                    (None, None) => ActionReason::ChangedSinceEvaluated(format!(
                        "{} differ from the evaluated describe",
                        intent.before.as_ref().map_or_else(
                            || "its content".to_owned(),
                            |before| differing_members(&content_of(before), &fresh_content)
                                .join(", ")
                        )
                    )),
                    (before, now) => ActionReason::ChangedSinceEvaluated(format!(
                        "version {} → {}",
                        version_text(&before),
                        version_text(&now)
                    )),
                };
                done.action_reason = Some(reason);
                self.counts.revert_skipped += 1;
                Box::pin(self.complete(done, unused)).await
            }
        }
    }

    /// The update itself, planned again on the fresh describe (same version: same plan), so
    /// only the patched members are written onto the freshly described spec.
    async fn update(
        &mut self,
        mut done: Record,
        fresh: Described<R::Snapshot>,
        slot: Option<CapSlot>,
    ) -> Result<Handled, EngineError> {
        let config = &self.engine.config;
        let resource = done.resource.clone();
        let tags = self
            .engine
            .tags_if_needed(&resource, &fresh.snapshot)
            .await?;
        let mut assessment = step::assess(&fresh.resource, tags.as_deref(), &config.rules);
        step::exempt(&mut assessment, self.exempted(), self.now);
        let plan = Box::pin(self.plan(
            &resource,
            &fresh.resource,
            &assessment,
            tags.as_deref(),
            false,
        ))
        .await?;
        let Plan::Revert { patched, note, .. } = plan else {
            step::annotate(&mut done, &plan);
            if !matches!(plan, Plan::Skip(_)) {
                done.action = Action::RevertSkipped;
                done.action_reason = Some(ActionReason::NothingLeft);
            }
            self.counts.revert_skipped += 1;
            return Box::pin(self.complete(done, slot)).await;
        };
        let token = revert::client_token(&done.cause.event_id);
        let updated = match self
            .engine
            .resources
            .update(&resource, &fresh, &patched, &token)
            .await
        {
            Ok(updated) => updated,
            // The update may or may not have been applied: the intent stays pending, and the
            // retry's describe tells which.
            Err(err) => {
                let refused = EngineError::refusal(err)?;
                return Box::pin(self.failed_revert(done, &refused, slot)).await;
            }
        };
        done.evaluated_at = SystemTime::now();
        done.before = Some(fresh.resource.to_describe_value());
        // Without versions: what was described after the writes must be what was planned, or
        // still what was there before where AWS documents propagation.
        let differing = || {
            let planned = content_of(&patched.to_describe_value());
            let after = content_of(&updated.to_describe_value());
            let before = content_of(&fresh.resource.to_describe_value());
            differing_members(&planned, &after)
                .into_iter()
                .map(|member| revert::Differing {
                    as_before: after.get(&member) == before.get(&member),
                    member,
                })
                .collect()
        };
        match revert::after_writes(done.identity.version, &updated, &fresh.resource, differing) {
            AfterWrites::Landed => self.settle(&mut done, &updated, Action::Reverted, note),
            // Accepted and propagating: recorded as written (the planned document), and the
            // next evaluation confirms it.
            AfterWrites::Propagating(members) => {
                let reason = ActionReason::Propagating {
                    note: note.map(Box::new),
                    members,
                };
                self.settle(&mut done, &patched, Action::Reverted, Some(reason));
            }
            AfterWrites::Conflict(conflict) => {
                tracing::error!(resource = %resource, %conflict, "revert conflict");
                self.counts.errors += 1;
                self.settle(&mut done, &updated, Action::RevertConflict, Some(conflict));
            }
        }
        Box::pin(self.complete(done, None)).await
    }

    /// Record the reverted resource's evaluation on `done`.
    fn settle(
        &mut self,
        done: &mut Record,
        reverted: &Resource,
        action: Action,
        reason: Option<ActionReason>,
    ) {
        let mut assessment = step::assess(reverted, None, &self.engine.config.rules);
        step::exempt(&mut assessment, self.exempted(), self.now);
        // Tag rules keep the verdicts of the evaluation (tags are not changed by a revert).
        let tag_findings = done
            .findings
            .iter()
            .filter(|f| reads_tags(&f.rule))
            .cloned();
        let mut findings: Vec<_> = assessment
            .findings
            .into_iter()
            .filter(|f| !reads_tags(&f.rule))
            .collect();
        findings.extend(tag_findings);
        done.status = step::status_of(&findings);
        done.findings = findings;
        done.identity = assessment.identity;
        done.after = Some(reverted.to_describe_value());
        done.document = done.after.clone();
        done.action = action;
        if reason.is_some() {
            done.action_reason = reason;
        }
        self.counts.reverted += 1;
    }

    /// The revert was refused: recorded as failed (an error someone must see), slot given back.
    async fn failed_revert(
        &mut self,
        mut done: Record,
        refused: &PortError,
        slot: Option<CapSlot>,
    ) -> Result<Handled, EngineError> {
        tracing::error!(resource = %done.resource, error = %refused, "revert refused");
        self.counts.errors += 1;
        done.action = Action::RevertFailed;
        done.action_reason = Some(ActionReason::Refused(refused.to_string()));
        Box::pin(self.complete(done, slot)).await
    }

    /// Step 3: replace the intent by the final record (only while it is pending).
    async fn complete(
        &mut self,
        done: Record,
        release: Option<CapSlot>,
    ) -> Result<Handled, EngineError> {
        let result = self
            .engine
            .store
            .complete_revert(&done, release.as_ref())
            .await;
        match self.store_call(result)? {
            Ok(outcome) => Ok(self.recorded(&done, outcome).await),
            Err(_) => {
                let minimal = done.minimal("the full record was refused");
                let result = self
                    .engine
                    .store
                    .complete_revert(&minimal, release.as_ref())
                    .await;
                match self.store_call(result)? {
                    Ok(outcome) => Ok(self.recorded(&minimal, outcome).await),
                    Err(failed) => Ok(failed),
                }
            }
        }
    }

    /// Record an evaluation that needs no revert step; a duplicate whose item is a pending
    /// revert resumes it (a retry after a failure that followed the update lands here: the
    /// resource is compliant by then).
    async fn write(&mut self, record: Record) -> Result<Handled, EngineError> {
        let result = self.engine.store.record_seen(&record).await;
        let outcome = match self.store_call(result)? {
            Ok((outcome, previous)) => {
                // STATE's previous failures came back with its update (ALL_OLD): no read.
                if let (RecordOutcome::Written, Some(previous)) = (outcome, previous) {
                    self.counts.new_non_compliance += u64::from(step::newly_failing(
                        &record.findings,
                        &previous.previous_failed,
                    ));
                }
                outcome
            }
            Err(_) => {
                let minimal = record.minimal("the full record was refused");
                let result = self.engine.store.record(&minimal).await;
                return match self.store_call(result)? {
                    Ok(outcome) => Ok(self.recorded(&minimal, outcome).await),
                    Err(failed) => Ok(failed),
                };
            }
        };
        if outcome == RecordOutcome::Duplicate {
            // What this event was recorded as (a pending revert is resumed).
            let result = self
                .engine
                .store
                .history_item(&record.resource.key(), &record.history_sk())
                .await;
            if let Ok(Some(item)) = self.store_call(result)? {
                return Box::pin(self.resume(&item)).await;
            }
        }
        Ok(self.recorded(&record, outcome).await)
    }

    /// A store call's result: transient failures are the runtime's to retry (`Err`); a refusal
    /// is logged, counted and turned into [`Handled::Failed`] (`Ok(Err(..))`).
    fn store_call<T>(
        &mut self,
        result: Result<T, PortError>,
    ) -> Result<Result<T, Handled>, EngineError> {
        match result {
            Ok(value) => Ok(Ok(value)),
            Err(err) => {
                let refused = EngineError::refusal(err)?;
                tracing::error!(event_id = %self.routed.meta.event_id, error = %refused, "store refused");
                self.counts.errors += 1;
                Ok(Err(Handled::Failed {
                    event_id: self.routed.meta.event_id.clone(),
                    reason: refused.to_string(),
                }))
            }
        }
    }

    /// The one place a written record leaves the pipeline: its findings are exported (when
    /// Security Hub is on), then it is reported.
    async fn recorded(&mut self, record: &Record, outcome: RecordOutcome) -> Handled {
        Box::pin(self.export(record, outcome)).await;
        self.report(record, outcome)
    }

    /// Security Hub: import what changed for the resource. A failure is counted in `Errors`
    /// and logged, never retried (the record is written; the next evaluation imports it).
    async fn export(&mut self, record: &Record, outcome: RecordOutcome) {
        if outcome != RecordOutcome::Written {
            return;
        }
        match Box::pin(self.engine.changes_after_write(record)).await {
            Ok(changes) => {
                let changes: Vec<_> = changes.into_iter().collect();
                self.counts.errors += Box::pin(self.engine.export(&changes)).await;
            }
            Err(err) => {
                tracing::error!(resource = %record.resource, error = %err, "Security Hub mark unreadable");
                self.counts.errors += 1;
            }
        }
    }

    fn report(&self, record: &Record, outcome: RecordOutcome) -> Handled {
        let report = EventReport {
            event_id: record.cause.event_id.clone(),
            resource: record.resource.key(),
            status: record.status,
            action: record.action,
            reason: record.action_reason.clone(),
            non_compliant_rules: step::failed_rules(&record.findings),
            recorded: outcome,
        };
        // One compact line per event at info (what finds an event: id, resource, status,
        // action, duration); the details at debug. CloudWatch Logs bills the bytes.
        tracing::info!(
            event_id = %report.event_id,
            resource = %report.resource,
            status = ?report.status,
            action = ?report.action,
            ms = self.started.elapsed().as_millis() as u64,
            "evaluated"
        );
        tracing::debug!(
            event_id = %report.event_id,
            event_name = %record.cause.event_name,
            actor = record.cause.actor.as_deref().unwrap_or("-"),
            reason = %report.reason.as_ref().map_or_else(String::new, ToString::to_string),
            non_compliant = ?report.non_compliant_rules,
            version = record.identity.version,
            recorded = %report.recorded,
            "evaluated (details)"
        );
        Handled::Evaluated(report)
    }
}

/// How long ago the event happened; an unreadable time counts as old (so the truth is recorded
/// rather than retried forever).
fn event_age(event_time: &str, now: SystemTime) -> Duration {
    humantime::parse_rfc3339_weak(event_time)
        .ok()
        .and_then(|t| now.duration_since(t).ok().or(Some(Duration::ZERO)))
        .unwrap_or(Duration::MAX)
}

/// Whether the rule with this id reads the resource's tags ([`RuleMeta::reads_tags`]).
///
/// [`RuleMeta::reads_tags`]: meshwarden_rules::catalog::RuleMeta::reads_tags
fn reads_tags(rule: &str) -> bool {
    meshwarden_rules::catalog::find(rule).is_some_and(|rule| rule.meta().reads_tags())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_age_is_bounded_and_tolerant() {
        let now = humantime::parse_rfc3339("2026-11-23T03:10:00Z").unwrap();
        assert_eq!(
            event_age("2026-11-23T03:00:00Z", now),
            Duration::from_secs(600)
        );
        assert_eq!(
            event_age("2026-11-23T03:20:00Z", now),
            Duration::ZERO,
            "clock skew counts as fresh"
        );
        assert_eq!(event_age("yesterday", now), Duration::MAX);
    }
}
