namespace Tollgate.Core.Pricing;

/// <summary>What to price: the provider that served the request, the upstream model, and when it ran.</summary>
/// <param name="ProviderType">The provider's type (<c>openai</c>, <c>bedrock</c>, ...) or a catalog family name.</param>
/// <param name="Model">The upstream (deployment) model id.</param>
/// <param name="At">When the request ran; chooses the effective price period.</param>
/// <param name="ProviderName">The provider's config name, for deployment overrides; optional.</param>
public readonly record struct PriceQuery(string ProviderType, string Model, DateTimeOffset At, string? ProviderName = null);
