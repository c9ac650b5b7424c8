// Standard (TC39) decorators hand each class a metadata object through Symbol.metadata,
// which node 20 lacks; TypeScript's emitted code uses it when it exists at class definition.
// Loaded before any decorated class is defined (the class imports our decorators first).
const symbolWithMetadata = Symbol as unknown as { metadata?: symbol };
symbolWithMetadata.metadata ??= Symbol.for('Symbol.metadata');

export const METADATA_SYMBOL: symbol = symbolWithMetadata.metadata;
