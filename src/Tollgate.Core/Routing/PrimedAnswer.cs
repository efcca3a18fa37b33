namespace Tollgate.Core.Routing;

/// <summary>An attempt's whole answer, held until it wins (for answers that own nothing to release, such as embeddings).</summary>
public sealed class PrimedAnswer<T>(T value) : IAsyncDisposable
{
    /// <summary>The answer.</summary>
    public T Value => value;

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
