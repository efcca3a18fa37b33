using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;

namespace Tollgate.Providers.Bedrock;

/// <summary>Creates <see cref="BedrockChatProvider"/>s for <c>type: bedrock</c>.</summary>
public sealed class BedrockChatProviderFactory : IChatProviderFactory
{
    private static readonly ProviderSetting[] SettingList =
    [
        new("region", ConfigValueKind.String, "The AWS region (signing region and default endpoint). Default AWS_REGION, then AWS_DEFAULT_REGION."),
        new("access_key_id", ConfigValueKind.String, "The AWS access key id. Default AWS_ACCESS_KEY_ID."),
        new("secret_access_key", ConfigValueKind.String, "The AWS secret access key. Default AWS_SECRET_ACCESS_KEY."),
        new("session_token", ConfigValueKind.String, "The session token of temporary credentials. Default AWS_SESSION_TOKEN."),
    ];

    /// <inheritdoc/>
    public string Type => "bedrock";

    /// <inheritdoc/>
    public IReadOnlyList<ProviderSetting> Settings => SettingList;

    /// <inheritdoc/>
    public IChatProvider Create(ProviderConfig config, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        return new BedrockChatProvider(BedrockProviderOptions.FromConfig(config, context.GetEnvironmentVariable), context);
    }
}
