-- +goose Up
-- The supervision board's tally: how many financing cases stand in each
-- state and colour (past due, due soon, neither) and under supervision, in
-- all (org '*') and per organisation party ('park:GXQ', 'county:GX',
-- 'bank:ICBC' — a bank as lead bank or participant, counted once). The
-- projector keeps it, as the single writer, from the ledger: every change of
-- a case's state, colour, marks or parties is a ledger entry (the warning
-- and the deadline fire through timer events). report_tally_cases is what
-- each case last added, so that a case that moves is taken off where it was.
CREATE TABLE report_tally (
    org        text NOT NULL,
    state      text NOT NULL,
    colour     text NOT NULL,
    supervised boolean NOT NULL,
    n          bigint NOT NULL,
    PRIMARY KEY (org, state, colour, supervised)
);
CREATE TABLE report_tally_cases (
    case_id    text PRIMARY KEY,
    orgs       text NOT NULL,
    state      text NOT NULL,
    colour     text NOT NULL,
    supervised boolean NOT NULL
);
-- Counted once from the cases as they stand; the projector's next catch-up
-- re-counts every case that moved since its cursor.
CREATE TEMPORARY TABLE tally_keys AS
SELECT c.id AS case_id, c.state,
       CASE WHEN c.past_due THEN 'past_due' WHEN c.due_soon THEN 'due_soon' ELSE '' END AS colour,
       EXISTS (SELECT 1 FROM case_marks m WHERE m.case_id = c.id AND m.mark = 'supervision') AS supervised
FROM cases c WHERE c.workflow = 'financing';
CREATE TEMPORARY TABLE tally_orgs AS
SELECT DISTINCT p.case_id,
       CASE p.relation WHEN 'park' THEN 'park:' WHEN 'county' THEN 'county:' ELSE 'bank:' END || p.org_code AS org
FROM case_parties p JOIN tally_keys t ON t.case_id = p.case_id
WHERE p.relation IN ('park', 'county', 'lead_bank', 'participant');
INSERT INTO report_tally_cases (case_id, orgs, state, colour, supervised)
SELECT t.case_id, COALESCE(o.orgs, ''), t.state, t.colour, t.supervised
FROM tally_keys t LEFT JOIN (SELECT k.case_id, string_agg(DISTINCT k.org, ',' ORDER BY k.org) AS orgs FROM tally_orgs k GROUP BY k.case_id) o ON o.case_id = t.case_id;
INSERT INTO report_tally (org, state, colour, supervised, n)
SELECT '*', state, colour, supervised, COUNT(*) FROM tally_keys GROUP BY state, colour, supervised;
INSERT INTO report_tally (org, state, colour, supervised, n)
SELECT o.org, t.state, t.colour, t.supervised, COUNT(*) FROM tally_orgs o JOIN tally_keys t ON t.case_id = o.case_id
GROUP BY o.org, t.state, t.colour, t.supervised;
DROP TABLE tally_orgs;
DROP TABLE tally_keys;

-- +goose Down
DROP TABLE report_tally_cases;
DROP TABLE report_tally;
