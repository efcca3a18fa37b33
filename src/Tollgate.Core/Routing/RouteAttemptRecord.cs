namespace Tollgate.Core.Routing;

/// <summary>One attempt of a request, as <c>x-tollgate-attempts</c> counts and the log records it.</summary>
/// <param name="Number">1 for the first attempt.</param>
/// <param name="Model">The model name it served (the requested one or a fallback).</param>
/// <param name="Deployment">The deployment, <c>provider/model</c>.</param>
/// <param name="Hedge">Whether it was a hedge.</param>
public sealed record RouteAttemptRecord(int Number, string Model, string Deployment, bool Hedge)
{
    /// <summary>How it ended; <see langword="null"/> while it runs.</summary>
    public AttemptOutcome? Outcome { get; set; }

    /// <summary>Whether it answered the request.</summary>
    public bool Won { get; set; }

    /// <summary>The status of its failure, when it failed with one.</summary>
    public int? StatusCode { get; set; }
}
