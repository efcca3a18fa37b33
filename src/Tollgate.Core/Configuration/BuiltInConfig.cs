using System.Text;

namespace Tollgate.Core.Configuration;

/// <summary>The config used when there is no config file: a simulated provider, plus OpenAI and Anthropic when their keys are set.</summary>
/// <remarks>
/// Produced as YAML and read by <see cref="ConfigLoader"/> like any file, so the default goes through the same
/// validation and can be printed as a starting point. It sets no <c>master_key</c>: the server takes that from
/// TOLLGATE_MASTER_KEY or a generated file.
/// </remarks>
public static class BuiltInConfig
{
    private static readonly string[] OpenAIModels =
    [
        "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o4-mini",
        "text-embedding-3-small", "text-embedding-3-large",
    ];

    private static readonly (string Name, string Upstream)[] AnthropicModels =
    [
        ("claude-sonnet-4-5", "claude-sonnet-4-5"),
        ("claude-haiku-4-5", "claude-haiku-4-5"),
        ("claude-opus-4-1", "claude-opus-4-1"),
        ("sonnet", "claude-sonnet-4-5"),
        ("haiku", "claude-haiku-4-5"),
        ("opus", "claude-opus-4-1"),
    ];

    /// <summary>The default config's YAML, given the environment.</summary>
    /// <param name="getEnvironmentVariable">Reads OPENAI_API_KEY and ANTHROPIC_API_KEY to decide which providers to include.</param>
    public static string CreateYaml(Func<string, string?> getEnvironmentVariable)
    {
        var openAI = !string.IsNullOrEmpty(getEnvironmentVariable("OPENAI_API_KEY"));
        var anthropic = !string.IsNullOrEmpty(getEnvironmentVariable("ANTHROPIC_API_KEY"));

        var yaml = new StringBuilder();
        yaml.Append("""
            # Built-in Tollgate config, used when no config file is given.
            providers:
              sim:
                type: simulated

            """);
        if (openAI)
        {
            yaml.Append("""
                  openai:
                    type: openai
                    base_url: ${OPENAI_BASE_URL:-https://api.openai.com/v1}
                    api_key: ${OPENAI_API_KEY}

                """);
        }

        if (anthropic)
        {
            yaml.Append("""
                  anthropic:
                    type: anthropic
                    base_url: ${ANTHROPIC_BASE_URL:-https://api.anthropic.com}
                    api_key: ${ANTHROPIC_API_KEY}

                """);
        }

        yaml.Append("models:\n");
        AppendModel(yaml, "demo", "sim", "echo");
        AppendModel(yaml, "demo-embedding", "sim", "embedding");
        if (openAI)
        {
            foreach (var model in OpenAIModels)
            {
                AppendModel(yaml, model, "openai", model);
            }
        }

        if (anthropic)
        {
            foreach (var (name, upstream) in AnthropicModels)
            {
                AppendModel(yaml, name, "anthropic", upstream);
            }
        }

        return yaml.ToString();
    }

    private static void AppendModel(StringBuilder yaml, string name, string provider, string model) =>
        yaml.Append("  ").Append(name).Append(":\n")
            .Append("    deployments:\n")
            .Append("      - provider: ").Append(provider).Append('\n')
            .Append("        model: ").Append(model).Append('\n');
}
