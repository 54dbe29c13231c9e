package dev.o2c.order;

import dev.o2c.infra.CborSerializable;

/** An alert an ALERT rule raised for an order. */
public record RuleAlert(String rule, String message) implements CborSerializable {}
