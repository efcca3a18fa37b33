using Tollgate.Core.Configuration;
using static Tollgate.Core.Tests.Configuration.ConfigTestData;

namespace Tollgate.Core.Tests.Configuration;

public class BuiltInConfigTests
{
    private static TollgateConfig Load(params (string Name, string Value)[] variables)
    {
        var env = Env(variables);
        var result = ConfigLoader.Parse(BuiltInConfig.CreateYaml(env), null, ProviderTypes, env);
        Assert.True(result.Success, string.Join("\n", result.Errors.Select(e => e.Format("<built-in>"))));
        return result.Config!;
    }

    [Fact]
    public void CreateYaml_NoKeys_HasOnlySimulatedProviderAndDemoModels()
    {
        var config = Load();

        Assert.Equal(["sim"], config.Providers.Keys);
        Assert.Equal("simulated", config.Providers["sim"].Type);
        Assert.Equal(["demo", "demo-embedding"], config.Models.Keys);
        Assert.Equal([new DeploymentConfig { Provider = "sim", Model = "echo" }], config.Models["demo"].Deployments);
        Assert.Equal([new DeploymentConfig { Provider = "sim", Model = "embedding" }], config.Models["demo-embedding"].Deployments);
        Assert.Null(config.Server.MasterKey);
        Assert.Null(config.SourcePath);
    }

    [Fact]
    public void CreateYaml_EmptyKeys_CountAsUnset()
    {
        var config = Load(("OPENAI_API_KEY", ""), ("ANTHROPIC_API_KEY", ""));

        Assert.Equal(["sim"], config.Providers.Keys);
    }

    [Fact]
    public void CreateYaml_OpenAIKey_AddsOpenAIProviderAndModels()
    {
        var config = Load(("OPENAI_API_KEY", "sk-openai"));

        Assert.Equal(["sim", "openai"], config.Providers.Keys);
        var openai = config.Providers["openai"];
        Assert.Equal(("openai", "https://api.openai.com/v1", "sk-openai"), (openai.Type, openai.BaseUrl, openai.ApiKey));
        Assert.Equal(
            ["demo", "demo-embedding", "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o4-mini", "text-embedding-3-small", "text-embedding-3-large"],
            config.Models.Keys);
        Assert.All(config.Models.Values.Skip(2), m => Assert.Equal([new DeploymentConfig { Provider = "openai", Model = m.Name }], m.Deployments));
        Assert.Null(config.Server.MasterKey);
    }

    [Fact]
    public void CreateYaml_BaseUrlVariables_OverrideDefaults()
    {
        var config = Load(
            ("OPENAI_API_KEY", "sk-openai"),
            ("OPENAI_BASE_URL", "http://localhost:9001/v1"),
            ("ANTHROPIC_API_KEY", "sk-ant"),
            ("ANTHROPIC_BASE_URL", "http://localhost:9002"));

        Assert.Equal("http://localhost:9001/v1", config.Providers["openai"].BaseUrl);
        Assert.Equal("http://localhost:9002", config.Providers["anthropic"].BaseUrl);
    }

    [Fact]
    public void CreateYaml_AnthropicKey_AddsAnthropicProviderModelsAndAliases()
    {
        var config = Load(("ANTHROPIC_API_KEY", "sk-ant"));

        Assert.Equal(["sim", "anthropic"], config.Providers.Keys);
        var anthropic = config.Providers["anthropic"];
        Assert.Equal(("anthropic", "https://api.anthropic.com", "sk-ant"), (anthropic.Type, anthropic.BaseUrl, anthropic.ApiKey));
        Assert.Equal(["demo", "demo-embedding", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1", "sonnet", "haiku", "opus"], config.Models.Keys);
        Assert.Equal("claude-sonnet-4-5", Assert.Single(config.Models["sonnet"].Deployments).Model);
        Assert.Equal("claude-haiku-4-5", Assert.Single(config.Models["haiku"].Deployments).Model);
        Assert.Equal("claude-opus-4-1", Assert.Single(config.Models["opus"].Deployments).Model);
        Assert.All(config.Models.Values.Skip(2), m => Assert.Equal("anthropic", Assert.Single(m.Deployments).Provider));
    }

    [Fact]
    public void CreateYaml_BothKeys_IncludesBothProviders()
    {
        var config = Load(("OPENAI_API_KEY", "sk-openai"), ("ANTHROPIC_API_KEY", "sk-ant"));

        Assert.Equal(["sim", "openai", "anthropic"], config.Providers.Keys);
        Assert.Equal(2 + 8 + 6, config.Models.Count);
    }

    [Fact]
    public void CreateYaml_KeysSet_NeverWritesSecretValues()
    {
        var yaml = BuiltInConfig.CreateYaml(Env(("OPENAI_API_KEY", "sk-openai"), ("ANTHROPIC_API_KEY", "sk-ant")));

        Assert.DoesNotContain("sk-", yaml, StringComparison.Ordinal);
        Assert.Contains("${OPENAI_API_KEY}", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("master_key", yaml, StringComparison.Ordinal);
    }
}
