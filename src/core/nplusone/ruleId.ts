/**
 * The N+1 rule's id, on its own: modules the editor loads at activation (the recording's Django names, the observed
 * figures) name it without pulling in the detector, which lives in the lazily loaded engine bundle (dist/engine.js).
 */
export const RULE_ID = 'n-plus-one';
