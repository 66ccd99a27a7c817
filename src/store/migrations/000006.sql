-- Step kinds take one naming style (snake_case), as the step registry names them.
UPDATE steps SET kind = 'open_channel' WHERE kind = 'open-channel';
UPDATE steps SET kind = replace(kind, 'runbook.', 'runbook_') WHERE kind LIKE 'runbook.%';
