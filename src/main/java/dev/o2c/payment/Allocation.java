package dev.o2c.payment;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;

/** Money of a payment applied to an invoice, with the rule that did it and, for REFERENCE, the token that matched. */
public record Allocation(String invoiceId, String invoiceNumber, BigDecimal amount, Rule rule, String token)
    implements CborSerializable {}
