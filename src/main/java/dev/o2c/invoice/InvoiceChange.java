package dev.o2c.invoice;

import dev.o2c.infra.CborSerializable;

/** An application the customer's account decided, to be recorded on its invoice. */
public record InvoiceChange(String invoiceId, Application application) implements CborSerializable {}
