package dev.o2c.tenancy;

import java.util.Locale;

/**
 * What an API key may do. Every role may read; {@code orders} (a commerce channel) opens customer
 * accounts and places, ships, delivers and cancels orders; {@code finance} does everything about
 * money (credit limits and terms, approvals of held orders, invoices, credit notes, payments,
 * allocations, refunds, reversals); {@code admin} does everything, the business clock included.
 */
public enum Role {
  READ,
  ORDERS,
  FINANCE,
  ADMIN;

  /** The name in configuration, in problem documents and in the record of a change. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role a configured name stands for. */
  public static Role parse(String name) {
    for (Role role : values()) {
      if (role.label().equals(name)) {
        return role;
      }
    }
    throw new IllegalArgumentException("'" + name + "' is not a role; the roles are read, orders, finance and admin");
  }
}
