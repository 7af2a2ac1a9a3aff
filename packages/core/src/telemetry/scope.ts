/** The instrumentation scope every cardbind span and metric is reported under. */
export const TELEMETRY_SCOPE = '@cardbind/core';

/**
 * The scope's version: @cardbind/core's own (a test keeps it equal to package.json), since the
 * package cannot import its manifest from outside `src/`.
 */
export const CORE_VERSION = '0.1.0';
