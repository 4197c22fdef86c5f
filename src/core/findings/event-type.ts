/**
 * The `event_type` of the generic NHI alert (`repository_dispatch`), alone in its module so that the
 * Action can recognise the event without loading the dispatch schema (dispatch.ts re-exports it).
 */
export const DISPATCH_EVENT_TYPE = "nhi-alert";
