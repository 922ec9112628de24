/**
 * The store's own persisted form of what it keeps as JSON: a server's spec ({@link dev.raptor.store.row.SpecRow},
 * versioned by the {@code spec_format} column, see {@link dev.raptor.store.row.SpecFormat}) and activity details.
 * Deliberately not the API's documents (those live in {@code raptor-wire}): the API's shape may change without a
 * database migration, and a change of this form comes with one ({@link dev.raptor.store.row.SpecRowsV4}).
 */
package dev.raptor.store.row;
