-- One row per attempt to deliver a weekly digest to one recipient.
-- A (week, recipient) with a 'sent' row is not sent again unless --resend.
-- Every TIMESTAMP is UTC.

CREATE TABLE digest_log (
    week        VARCHAR NOT NULL,      -- ISO week, '2026-W47'
    recipient   VARCHAR NOT NULL,      -- lower-cased email address
    message_id  VARCHAR NOT NULL,      -- the Message-ID header sent
    status      VARCHAR NOT NULL CHECK (status IN ('sent', 'failed')),
    error       VARCHAR,               -- SMTP reply or exception text when failed (never credentials)
    regions     VARCHAR[] NOT NULL,    -- region ids the message covered
    subject     VARCHAR,
    resend      BOOLEAN NOT NULL DEFAULT false,
    sent_at     TIMESTAMP NOT NULL     -- attempt time
);

CREATE INDEX digest_log_week_recipient ON digest_log (week, recipient);
