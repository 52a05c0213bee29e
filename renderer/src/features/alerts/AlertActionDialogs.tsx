import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Alert } from '@shared/alerts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { SelectField, TextAreaField, TextField } from '../../components/fields';
import { labelsInline, parseDuration, silenceIdFor } from './alertModel';
import { saveSilence } from './useAlerts';

/** Acknowledge: a note (required) and, optionally, how long (`30m`, `2h`, a bare number is minutes). */
export function AckDialog({
  open,
  onClose,
  onConfirm,
}: {
  open: boolean;
  onClose: () => void;
  onConfirm: (note: string, untilMinutes: number | undefined) => Promise<void>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [note, setNote] = useState('');
  const [until, setUntil] = useState('');
  const sec = parseDuration(until, 'm');
  const minutes = sec === undefined ? undefined : Math.max(1, Math.round(sec / 60));
  const untilBad = until.trim() !== '' && (minutes === undefined || minutes > 10_080);
  const close = (): void => {
    setNote('');
    setUntil('');
    onClose();
  };
  return (
    <ConfirmDialog
      open={open}
      onClose={close}
      title={t('alerts.ackTitle')}
      confirmLabel={t('alerts.acknowledge')}
      confirmDisabled={note.trim() === '' || untilBad}
      onConfirm={() => onConfirm(note.trim(), until.trim() === '' ? undefined : minutes)}
    >
      <div className="stack">
        <TextAreaField
          id={`${id}-note`}
          label={t('alerts.note')}
          hint={t('alerts.ackNoteHint')}
          value={note}
          rows={3}
          testId="ack-note"
          onChange={setNote}
        />
        <TextField
          id={`${id}-until`}
          label={t('alerts.ackFor')}
          hint={t('alerts.durationHint')}
          placeholder="1h"
          value={until}
          error={untilBad ? t('alerts.badDuration') : undefined}
          testId="ack-until"
          onChange={setUntil}
        />
      </div>
    </ConfirmDialog>
  );
}

export function ResolveDialog({
  open,
  onClose,
  onConfirm,
}: {
  open: boolean;
  onClose: () => void;
  onConfirm: (note: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [note, setNote] = useState('');
  return (
    <ConfirmDialog
      open={open}
      onClose={() => {
        setNote('');
        onClose();
      }}
      title={t('alerts.resolveTitle')}
      confirmLabel={t('alerts.resolve')}
      confirmDisabled={note.trim() === ''}
      onConfirm={() => onConfirm(note.trim())}
    >
      <TextAreaField
        id={`${id}-note`}
        label={t('alerts.note')}
        hint={t('alerts.resolveHint')}
        value={note}
        rows={3}
        testId="resolve-note"
        onChange={setNote}
      />
    </ConfirmDialog>
  );
}

const SILENCE_FOR = ['30m', '1h', '2h', '4h', '8h', '1d', '3d', '1w'] as const;
type SilenceFor = (typeof SILENCE_FOR)[number];

/** A silence matching exactly this alert's labels, from now for a chosen time. */
export function SilenceAlertDialog({
  open,
  alert: a,
  onClose,
  onDone,
}: {
  open: boolean;
  alert: Alert;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [comment, setComment] = useState('');
  const [span, setSpan] = useState<SilenceFor>('2h');
  return (
    <ConfirmDialog
      open={open}
      onClose={() => {
        setComment('');
        onClose();
      }}
      title={t('alerts.silenceTitle')}
      confirmLabel={t('alerts.silence')}
      confirmDisabled={comment.trim() === ''}
      onConfirm={async () => {
        const now = Date.now();
        await saveSilence({
          id: silenceIdFor(a, now),
          envId: a.envId,
          kind: 'silence',
          matchers: a.labels,
          startsAt: new Date(now).toISOString(),
          endsAt: new Date(now + (parseDuration(span) ?? 7200) * 1000).toISOString(),
          comment: comment.trim(),
        });
        onDone();
      }}
    >
      <div className="stack">
        <p>
          {t('alerts.silenceMatches')}{' '}
          <code data-testid="silence-matchers">{labelsInline(a.labels) || '∅'}</code>
        </p>
        <SelectField
          id={`${id}-for`}
          label={t('alerts.silenceFor')}
          value={span}
          testId="silence-duration"
          options={SILENCE_FOR.map((s) => ({ value: s, label: s }))}
          onChange={setSpan}
        />
        <TextAreaField
          id={`${id}-comment`}
          label={t('alerts.comment')}
          value={comment}
          rows={2}
          testId="silence-comment"
          onChange={setComment}
        />
      </div>
    </ConfirmDialog>
  );
}
