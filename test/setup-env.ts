// Keeps the Google auth library from probing the GCE metadata server in tests.
process.env.METADATA_SERVER_DETECTION = "none";
process.env.LOG_LEVEL ??= "warning";
