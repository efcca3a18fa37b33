namespace Tollgate.EndToEnd.Tests.Contract;

/// <summary>
/// One provider under the shared contract: its config (providers and models) and the model names that reach it.
/// Every fake upstream answers by the same convention (echo the last user text, one whitespace-separated word per
/// token; call the first tool when the text starts with <c>call:</c>), so the same assertions hold for all of them.
/// </summary>
/// <param name="Name">The provider type, as test cases are named.</param>
/// <param name="Model">The Tollgate model name that answers normally.</param>
/// <param name="RateLimitedModel">A Tollgate model name whose upstream answers 429.</param>
/// <param name="Yaml">The <c>providers:</c> and <c>models:</c> entries (indented under each section) for this target.</param>
public sealed record ContractTarget(string Name, string Model, string RateLimitedModel, ContractYaml Yaml)
{
    public override string ToString() => Name;
}

/// <summary>Config lines for one target: entries under <c>providers:</c> and under <c>models:</c>, two-space indented.</summary>
public sealed record ContractYaml(string Providers, string Models);
