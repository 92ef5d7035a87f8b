mod log_hygiene;
mod redaction;
