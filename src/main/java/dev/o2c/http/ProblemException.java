package dev.o2c.http;

/** Carries a {@link Problem} out of route code or a failed future to the gateway's exception handler. */
public final class ProblemException extends RuntimeException {
  private final transient Problem problem;

  public ProblemException(Problem problem) {
    super(problem.status() + " " + problem.title() + ": " + problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
