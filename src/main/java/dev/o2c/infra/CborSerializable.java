package dev.o2c.infra;

/**
 * Marker for every message, event and snapshot that Pekko serializes: commands sent across the
 * cluster and events written to the journal. Bound to Jackson CBOR in config/persistence.conf,
 * which records each value's class in the serializer manifest, so no polymorphic type
 * information (and no Jackson default typing) is ever needed at the top level.
 */
public interface CborSerializable {}
