using Tollgate.Chat;
using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;
using Tollgate.Providers.OpenAI;
using Tollgate.Providers.Presets;
using Tollgate.Providers.Tests.Testing;
using Tollgate.Testing.OpenAI;

namespace Tollgate.Providers.Tests.Presets;

public sealed class OpenAICompatibleChatProviderFactoryTests
{
    [Theory]
    [InlineData("groq", "https://api.groq.com/openai/v1/", "GROQ_API_KEY")]
    [InlineData("together", "https://api.together.xyz/v1/", "TOGETHER_API_KEY")]
    [InlineData("fireworks", "https://api.fireworks.ai/inference/v1/", "FIREWORKS_API_KEY")]
    [InlineData("deepseek", "https://api.deepseek.com/v1/", "DEEPSEEK_API_KEY")]
    [InlineData("xai", "https://api.x.ai/v1/", "XAI_API_KEY")]
    [InlineData("openrouter", "https://openrouter.ai/api/v1/", "OPENROUTER_API_KEY")]
    [InlineData("ollama", "http://localhost:11434/v1/", "OLLAMA_API_KEY")]
    [InlineData("vllm", "http://localhost:8000/v1/", "VLLM_API_KEY")]
    public void CreateOptions_OnlyTheType_DefaultUrlKeyFromEnvironmentAndOwnCapabilities(string type, string baseUrl, string keyVariable)
    {
        var factory = Factory(type);

        var options = factory.CreateOptions(new ProviderConfig { Name = "p", Type = type }, Environment(keyVariable, "key-from-env"));

        Assert.Equal(new Uri(baseUrl), options.BaseUrl);
        Assert.Equal("key-from-env", options.ApiKey);
        Assert.Equal(type, options.TypeName);
        Assert.Same(OpenAICompatiblePresets.All.Single(p => p.Type == type).Capabilities, options.Capabilities);
        Assert.Equal(WireFormat.OpenAI, options.Capabilities!.NativeFormat);
        Assert.True(options.StreamUsage);
    }

    [Fact]
    public void CreateOptions_ConfigKeyAndBaseUrl_WinOverEnvironmentAndDefault()
    {
        var config = new ProviderConfig { Name = "p", Type = "groq", BaseUrl = "https://proxy.example.com/groq/v1", ApiKey = "from-config" };

        var options = Factory("groq").CreateOptions(config, Environment("GROQ_API_KEY", "from-env"));

        Assert.Equal("from-config", options.ApiKey);
        Assert.Equal(new Uri("https://proxy.example.com/groq/v1/"), options.BaseUrl);
    }

    [Theory]
    [InlineData("groq", "GROQ_API_KEY")]
    [InlineData("deepseek", "DEEPSEEK_API_KEY")]
    [InlineData("openrouter", "OPENROUTER_API_KEY")]
    public void CreateOptions_HostedWithoutKey_ClearError(string type, string keyVariable)
    {
        var ex = Assert.Throws<ArgumentException>(() => Factory(type).CreateOptions(new ProviderConfig { Name = "p", Type = type }, _ => null));

        Assert.Contains(keyVariable, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ollama")]
    [InlineData("vllm")]
    public void CreateOptions_LocalServerWithoutKey_NoAuthorization(string type)
    {
        var options = Factory(type).CreateOptions(new ProviderConfig { Name = "p", Type = type }, _ => null);

        Assert.Null(options.ApiKey);
    }

    [Theory]
    [InlineData("10.1.2.3:11434", "http://10.1.2.3:11434/v1/")]
    [InlineData("https://ollama.internal/", "https://ollama.internal/v1/")]
    public void CreateOptions_OllamaHost_BecomesBaseUrl(string host, string expected)
    {
        var options = Factory("ollama").CreateOptions(new ProviderConfig { Name = "p", Type = "ollama" }, Environment("OLLAMA_HOST", host));

        Assert.Equal(new Uri(expected), options.BaseUrl);
    }

    [Fact]
    public void CreateOptions_StreamUsageOff_Honoured()
    {
        var config = new ProviderConfig { Name = "p", Type = "vllm", Settings = new Dictionary<string, ConfigValue> { ["stream_usage"] = ConfigValue.FromScalar("false") } };

        Assert.False(Factory("vllm").CreateOptions(config, _ => null).StreamUsage);
    }

    [Fact]
    public void Capabilities_Table_IsTruthfulForKnownLimits()
    {
        var groq = Preset("groq");
        var deepseek = Preset("deepseek");

        Assert.False(groq.Logprobs);
        Assert.False(groq.MultipleChoices);
        Assert.False(deepseek.Vision);
        Assert.False(deepseek.Seed);
        Assert.True(Preset("vllm").TopK);
        Assert.False(Preset("ollama").Logprobs);
    }

    [Fact]
    public async Task Create_GroqPointedAtFake_CompletesWithPresetCapabilities()
    {
        await using var upstream = await FakeOpenAIUpstream.StartAsync("gsk-test").WaitAsync(ProviderFixtures.Bound);
#pragma warning disable RS0030 // tests own their client
        using var client = new HttpClient(new SocketsHttpHandler());
#pragma warning restore RS0030
        var provider = Factory("groq").Create(new ProviderConfig { Name = "groq", Type = "groq", BaseUrl = upstream.BaseUrl }, ProviderFixtures.Context(client, new Dictionary<string, string> { ["GROQ_API_KEY"] = "gsk-test" }));

        var response = await provider.CompleteAsync(new ChatRequest { Model = "llama-3.3-70b-versatile", Messages = [ChatMessage.FromText(ChatRole.User, "fast answer")] }, CancellationToken.None).WaitAsync(ProviderFixtures.Bound);

        Assert.Equal("fast answer", response.Choices[0].Message.GetText());
        Assert.False(provider.Capabilities.Logprobs);
        Assert.IsType<OpenAIChatProvider>(provider);
        Assert.Equal("Bearer gsk-test", Assert.Single(upstream.Requests).Headers["Authorization"]);
    }

    [Fact]
    public void Registry_EveryPresetAndProviderType_IsRegisteredOnce()
    {
        var registry = new ProviderRegistry(BuiltInProviders.CreateFactories());

        foreach (var type in new[] { "azure-openai", "mistral", "cohere", "groq", "together", "fireworks", "deepseek", "xai", "openrouter", "ollama", "vllm" })
        {
            Assert.Equal(type, registry.Get(type).Type);
        }

        Assert.Equal(BuiltInProviders.CreateFactories().Count, BuiltInProviders.CreateFactories().Select(f => f.Type).Distinct().Count());
    }

    private static ProviderCapabilities Preset(string type) => OpenAICompatiblePresets.All.Single(p => p.Type == type).Capabilities;

    private static OpenAICompatibleChatProviderFactory Factory(string type) => new(OpenAICompatiblePresets.All.Single(p => p.Type == type));

    private static Func<string, string?> Environment(string name, string value) => n => n == name ? value : null;
}
