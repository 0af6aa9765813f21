-- One row per computation (v_indicator_runs).
INSERT INTO indicator_runs BY NAME
SELECT $as_of AS as_of, $mode AS mode, $days AS days_recomputed, $first_day::DATE AS first_day,
       $last_day::DATE AS last_day, $rows AS rows_written, $alerts AS alerts_written,
       $loaded_through::TIMESTAMP AS loaded_through, $config_hash AS config_hash, $seconds AS seconds,
       $through::DATE AS events_through, $rules_version AS rules_version
