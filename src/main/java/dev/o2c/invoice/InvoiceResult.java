package dev.o2c.invoice;

import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.Rejection;

/** An invoice's answer. */
public sealed interface InvoiceResult extends CborSerializable {

  record Ok(InvoiceView invoice) implements InvoiceResult {}

  record Failed(Rejection rejection) implements InvoiceResult {}
}
