using Tollgate.Core.Providers;
using Tollgate.Providers.Anthropic;
using Tollgate.Providers.AzureOpenAI;
using Tollgate.Providers.Bedrock;
using Tollgate.Providers.Cohere;
using Tollgate.Providers.Gemini;
using Tollgate.Providers.Mistral;
using Tollgate.Providers.OpenAI;
using Tollgate.Providers.Presets;
using Tollgate.Providers.Simulated;

namespace Tollgate.Providers;

/// <summary>The provider registry: one line per provider type Tollgate ships.</summary>
public static class BuiltInProviders
{
    /// <summary>A new factory of every built-in type.</summary>
    public static IReadOnlyList<IChatProviderFactory> CreateFactories() =>
    [
        new OpenAIChatProviderFactory(),
        new AnthropicChatProviderFactory(),
        new SimulatedChatProviderFactory(),
        new GeminiChatProviderFactory(),
        new VertexChatProviderFactory(),
        new BedrockChatProviderFactory(),
        new AzureOpenAIChatProviderFactory(),
        new MistralChatProviderFactory(),
        new CohereChatProviderFactory(),
        .. OpenAICompatibleChatProviderFactory.CreateAll(),
    ];
}
