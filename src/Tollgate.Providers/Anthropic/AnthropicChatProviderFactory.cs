using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;

namespace Tollgate.Providers.Anthropic;

/// <summary>Creates <see cref="AnthropicChatProvider"/>s for <c>type: anthropic</c>.</summary>
public sealed class AnthropicChatProviderFactory : IChatProviderFactory
{
    private static readonly ProviderSetting[] SettingList =
    [
        new("anthropic_version", ConfigValueKind.String, $"The anthropic-version header. Default {AnthropicProviderOptions.DefaultVersion}."),
        new("default_max_tokens", ConfigValueKind.Integer, "max_tokens for requests that set none, when the model has no per-model or built-in default."),
        new("max_tokens", ConfigValueKind.Map, "Per-model max_tokens defaults, by upstream model name.", ConfigValueKind.Integer),
    ];

    /// <inheritdoc/>
    public string Type => "anthropic";

    /// <inheritdoc/>
    public IReadOnlyList<ProviderSetting> Settings => SettingList;

    /// <inheritdoc/>
    public IChatProvider Create(ProviderConfig config, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        return new AnthropicChatProvider(AnthropicProviderOptions.FromConfig(config), context);
    }
}
