package dev.o2c.invoice;

/** How far the chasing of an overdue invoice has gone; resets when the invoice is settled. */
public enum DunningLevel {
  NONE,
  REMINDER,
  SECOND_NOTICE,
  FINAL_NOTICE
}
