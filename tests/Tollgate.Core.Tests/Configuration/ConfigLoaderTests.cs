using Tollgate.Core.Configuration;
using static Tollgate.Core.Tests.Configuration.ConfigTestData;

namespace Tollgate.Core.Tests.Configuration;

public class ConfigLoaderTests
{
    private const string ExampleYaml = """
        server:
          master_key: ${TOLLGATE_MASTER_KEY}   # ${VAR} interpolates an environment variable
        providers:
          openai:
            type: openai
            base_url: https://api.openai.com/v1
            api_key: ${OPENAI_API_KEY}
          claude:
            type: anthropic
            base_url: https://api.anthropic.com
            api_key: ${ANTHROPIC_API_KEY}
          sim:
            type: simulated
        models:
          gpt-4o-mini:
            deployments:
              - provider: openai
                model: gpt-4o-mini
          sonnet:
            deployments:
              - provider: claude
                model: claude-sonnet-4-5
          demo:
            deployments:
              - provider: sim
                model: echo
        """;

    private static readonly (string, string)[] ExampleEnv =
        [("TOLLGATE_MASTER_KEY", "tg-master"), ("OPENAI_API_KEY", "sk-openai"), ("ANTHROPIC_API_KEY", "sk-ant")];

    [Fact]
    public void Parse_ExampleConfig_YieldsExpectedRecords()
    {
        var result = Parse(ExampleYaml, ExampleEnv);

        Assert.True(result.Success, string.Join("\n", result.Errors.Select(e => e.Format("tollgate.yaml"))));
        var config = result.Config!;
        Assert.Equal("tollgate.yaml", config.SourcePath);
        Assert.Equal(new ServerConfig { MasterKey = "tg-master" }, config.Server);
        Assert.Equal(ServerConfig.DefaultMaxRequestBodyBytes, config.Server.MaxRequestBodyBytes);
        Assert.Null(config.Server.DataDirectory);

        Assert.Equal(["openai", "claude", "sim"], config.Providers.Keys);
        var openai = config.Providers["openai"];
        Assert.Equal("openai", openai.Name);
        Assert.Equal("openai", openai.Type);
        Assert.Equal("https://api.openai.com/v1", openai.BaseUrl);
        Assert.Equal("sk-openai", openai.ApiKey);
        Assert.Equal(UpstreamTimeouts.Default, openai.Timeouts);
        Assert.Empty(openai.Settings);
        var claude = config.Providers["claude"];
        Assert.Equal(("claude", "anthropic", "https://api.anthropic.com", "sk-ant"), (claude.Name, claude.Type, claude.BaseUrl, claude.ApiKey));
        var sim = config.Providers["sim"];
        Assert.Equal(("sim", "simulated"), (sim.Name, sim.Type));
        Assert.Null(sim.BaseUrl);
        Assert.Null(sim.ApiKey);

        Assert.Equal(["gpt-4o-mini", "sonnet", "demo"], config.Models.Keys);
        Assert.Equal("sonnet", config.Models["sonnet"].Name);
        Assert.Equal([new DeploymentConfig { Provider = "openai", Model = "gpt-4o-mini" }], config.Models["gpt-4o-mini"].Deployments);
        Assert.Equal([new DeploymentConfig { Provider = "claude", Model = "claude-sonnet-4-5" }], config.Models["sonnet"].Deployments);
        Assert.Equal([new DeploymentConfig { Provider = "sim", Model = "echo" }], config.Models["demo"].Deployments);
    }

    [Fact]
    public void Parse_EmptyDocument_YieldsEmptyConfig()
    {
        var result = Parse("# nothing here\n");

        Assert.True(result.Success);
        Assert.Empty(result.Config!.Providers);
        Assert.Empty(result.Config.Models);
        Assert.Equal(ServerConfig.DefaultMaxRequestBodyBytes, result.Config.Server.MaxRequestBodyBytes);
    }

    [Fact]
    public void Parse_EmptySections_AreEmpty()
    {
        var result = Parse("server:\nproviders:\nmodels:\n");

        Assert.True(result.Success);
        Assert.Empty(result.Config!.Providers);
        Assert.Empty(result.Config.Models);
    }

    [Fact]
    public void Parse_UnknownDeploymentProvider_ReportsPathLineAndColumn()
    {
        const string yaml = """
            # Tollgate
            providers:
              claude:
                type: anthropic
                base_url: https://api.anthropic.com
                api_key: ${ANTHROPIC_API_KEY}
              sim:
                type: simulated
            models:
              sonnet:
                deployments:
                  - provider: claud
                    model: claude-sonnet-4-5
            """;

        var error = SingleError(yaml, ("ANTHROPIC_API_KEY", "sk-ant"));

        Assert.Equal("models.sonnet.deployments[0].provider", error.Path);
        Assert.Equal("unknown provider 'claud' (did you mean 'claude'?)", error.Message);
        Assert.Equal("tollgate.yaml:12:19: models.sonnet.deployments[0].provider: unknown provider 'claud' (did you mean 'claude'?)", error.Format("tollgate.yaml"));
    }

    [Fact]
    public void Parse_UnknownProviderFarFromAny_HasNoSuggestion()
    {
        var error = SingleError("providers:\n  sim:\n    type: simulated\nmodels:\n  m:\n    deployments:\n      - { provider: bedrock, model: x }\n");

        Assert.Equal(("models.m.deployments[0].provider", "unknown provider 'bedrock'", 7, 21), (error.Path, error.Message, error.Line, error.Column));
    }

    [Fact]
    public void Parse_MisspeltTopLevelKey_SuggestsClosest()
    {
        var error = SingleError("providers: {}\nmodles: {}\n");

        Assert.Equal(("modles", "unknown key 'modles' (did you mean 'models'?)", 2, 1), (error.Path, error.Message, error.Line, error.Column));
    }

    [Fact]
    public void Parse_UnknownKeyFarFromAny_HasNoSuggestion()
    {
        var error = SingleError("server:\n  listen: 8080\n");

        Assert.Equal(("server.listen", "unknown key 'listen'", 2, 3), (error.Path, error.Message, error.Line, error.Column));
    }

    [Fact]
    public void Parse_UnknownProviderType_ListsKnownTypes()
    {
        var error = SingleError("providers:\n  oa:\n    type: opneai\n");

        Assert.Equal(("providers.oa.type", "unknown provider type 'opneai' (known: anthropic, openai, simulated)", 3, 11), (error.Path, error.Message, error.Line, error.Column));
    }

    [Fact]
    public void Parse_ProviderWithoutType_ReportsMissingKeyAtMapping()
    {
        var error = SingleError("providers:\n  oa:\n    base_url: https://x.test\n");

        Assert.Equal(("providers.oa", "missing required key 'type'", 3, 5), (error.Path, error.Message, error.Line, error.Column));
    }

    [Fact]
    public void Parse_ProviderWithoutTypeAndMisspeltKey_ReportsBoth()
    {
        var result = Parse("providers:\n  oa:\n    tpye: openai\n");

        Assert.Equal(
            ["tollgate.yaml:3:5: providers.oa: missing required key 'type'", "tollgate.yaml:3:5: providers.oa.tpye: unknown key 'tpye' (did you mean 'type'?)"],
            result.Errors.Select(e => e.Format("tollgate.yaml")));
    }

    [Fact]
    public void Parse_NonIntegerBodyLimit_ReportsExpectedInteger()
    {
        var error = SingleError("server:\n  max_request_body_bytes: abc\n");

        Assert.Equal(("server.max_request_body_bytes", "expected an integer, got 'abc'", 2, 27), (error.Path, error.Message, error.Line, error.Column));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void Parse_NonPositiveBodyLimit_ReportsMustBePositive(string value)
    {
        var error = SingleError($"server:\n  max_request_body_bytes: {value}\n");

        Assert.Equal(("server.max_request_body_bytes", "must be greater than 0"), (error.Path, error.Message));
    }

    [Fact]
    public void Parse_BodyLimit_IsRead()
    {
        var result = Parse("server:\n  max_request_body_bytes: ${LIMIT}\n  data_dir: /var/lib/tollgate\n", ("LIMIT", "2048"));

        Assert.Equal(new ServerConfig { MaxRequestBodyBytes = 2048, DataDirectory = "/var/lib/tollgate" }, result.Config!.Server);
    }

    [Fact]
    public void Parse_DefaultOutputTokens_IsReadAndMustBePositive()
    {
        var result = Parse("server:\n  default_output_tokens: 512\n");
        var error = SingleError("server:\n  default_output_tokens: 0\n");

        Assert.Equal(512, result.Config!.Server.DefaultOutputTokens);
        Assert.Equal(("server.default_output_tokens", "must be greater than 0"), (error.Path, error.Message));
    }

    [Fact]
    public void Parse_ProvidersAsList_ReportsExpectedMapping()
    {
        var error = SingleError("providers:\n  - openai\n");

        Assert.Equal(("providers", "expected a mapping", 2, 3), (error.Path, error.Message, error.Line, error.Column));
    }

    [Fact]
    public void Parse_RootNotMapping_ReportsExpectedMapping()
    {
        var error = SingleError("- a\n- b\n");

        Assert.Equal(("", "expected a mapping", 1, 1), (error.Path, error.Message, error.Line, error.Column));
        Assert.Equal("tollgate.yaml:1:1: expected a mapping", error.Format("tollgate.yaml"));
    }

    [Fact]
    public void Parse_DeploymentsNotList_ReportsExpectedList()
    {
        var error = SingleError("models:\n  m:\n    deployments: sim\n");

        Assert.Equal(("models.m.deployments", "expected a list", 3, 18), (error.Path, error.Message, error.Line, error.Column));
    }

    [Fact]
    public void Parse_EmptyDeployments_ReportsAtLeastOne()
    {
        var error = SingleError("models:\n  m:\n    deployments: []\n");

        Assert.Equal(("models.m.deployments", "must list at least one deployment"), (error.Path, error.Message));
    }

    [Fact]
    public void Parse_ModelWithoutDeployments_ReportsMissingKey()
    {
        var result = Parse("models:\n  m:\n    deploy: []\n");

        Assert.Equal(
            ["tollgate.yaml:3:5: models.m.deploy: unknown key 'deploy'", "tollgate.yaml:3:5: models.m: missing required key 'deployments'"],
            result.Errors.Select(e => e.Format("tollgate.yaml")));
    }

    [Fact]
    public void Parse_DeploymentMissingKeys_ReportsEach()
    {
        var result = Parse("providers:\n  sim: { type: simulated }\nmodels:\n  m:\n    deployments:\n      - provider: sim\n      - model: echo\n      - sim\n");

        Assert.Equal(
            [
                "tollgate.yaml:6:9: models.m.deployments[0]: missing required key 'model'",
                "tollgate.yaml:7:9: models.m.deployments[1]: missing required key 'provider'",
                "tollgate.yaml:8:9: models.m.deployments[2]: expected a mapping",
            ],
            result.Errors.Select(e => e.Format("tollgate.yaml")));
    }

    [Fact]
    public void Parse_EmptyRequiredValue_ReportsMustNotBeEmpty()
    {
        var error = SingleError("providers:\n  sim: { type: simulated }\nmodels:\n  m:\n    deployments:\n      - provider: sim\n        model: ${NONE:-}\n");

        Assert.Equal(("models.m.deployments[0].model", "must not be empty"), (error.Path, error.Message));
    }

    [Fact]
    public void Parse_DuplicateKeys_ReportsEachWithPath()
    {
        var result = Parse("providers:\n  sim:\n    type: simulated\n  sim:\n    type: openai\nmodels:\n  m:\n    deployments: [{ provider: sim, model: a, model: b }]\n");

        Assert.Null(result.Config);
        Assert.Equal(
            [
                "tollgate.yaml:4:3: providers.sim: duplicate key 'sim'",
                "tollgate.yaml:8:46: models.m.deployments[0].model: duplicate key 'model'",
            ],
            result.Errors.Select(e => e.Format("tollgate.yaml")));
    }

    [Fact]
    public void Parse_MalformedYaml_ReportsOneErrorWithPosition()
    {
        var result = Parse("providers:\n  sim:\n    type: simulated\n  bad: [unclosed\n");

        Assert.Null(result.Config);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("invalid YAML: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Idx:", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Line);
        Assert.InRange(error.Line!.Value, 4, 5);
    }

    [Fact]
    public void Parse_TwoDocuments_ReportsSingleDocumentExpected()
    {
        var error = SingleError("providers: {}\n---\nmodels: {}\n");

        Assert.Equal(("expected a single YAML document", 3), (error.Message, error.Line));
    }

    [Fact]
    public void Parse_SeveralErrors_ReportsAllInFileOrder()
    {
        const string yaml = """
            server:
              max_request_body_bytes: lots
            providers:
              openai:
                type: openai
                base_url: ftp://example.com
                timeouts: { connect: soon }
              claude:
                type: anthropic
                api_key: ${ANTHROPIC_API_KEY}
            modles: {}
            models:
              sonnet:
                deployments:
                  - provider: claud
                    model: claude-sonnet-4-5
            """;

        var result = Parse(yaml);

        Assert.Null(result.Config);
        Assert.Equal(
            [
                "tollgate.yaml:2:27: server.max_request_body_bytes: expected an integer, got 'lots'",
                "tollgate.yaml:6:15: providers.openai.base_url: expected an absolute http or https URL, got 'ftp://example.com'",
                "tollgate.yaml:7:26: providers.openai.timeouts.connect: expected a duration such as 500ms, 10s or 2m, got 'soon'",
                "tollgate.yaml:10:14: providers.claude.api_key: environment variable 'ANTHROPIC_API_KEY' is not set",
                "tollgate.yaml:11:1: modles: unknown key 'modles' (did you mean 'models'?)",
                "tollgate.yaml:15:19: models.sonnet.deployments[0].provider: unknown provider 'claud' (did you mean 'claude'?)",
            ],
            result.Errors.Select(e => e.Format("tollgate.yaml")));
    }

    [Theory]
    [InlineData("api.openai.com/v1")]
    [InlineData("/v1")]
    [InlineData("file:///etc/passwd")]
    public void Parse_BaseUrlNotAbsoluteHttp_ReportsExpectedUrl(string url)
    {
        var error = SingleError($"providers:\n  oa:\n    type: openai\n    base_url: {url}\n");

        Assert.Equal(("providers.oa.base_url", $"expected an absolute http or https URL, got '{url}'"), (error.Path, error.Message));
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("émoji")]
    [InlineData("a*b")]
    public void Parse_InvalidModelName_ReportsInvalidName(string name)
    {
        var error = SingleError($"providers:\n  sim: {{ type: simulated }}\nmodels:\n  \"{name}\":\n    deployments: [{{ provider: sim, model: echo }}]\n");

        Assert.Equal(($"models.{name}", $"invalid name '{name}': use letters, digits, '.', '-', '_', ':' or '/'", 4, 3), (error.Path, error.Message, error.Line, error.Column));
    }

    [Fact]
    public void Parse_ModelNamesWithSlashColonAndDots_AreAllowed()
    {
        var result = Parse("providers:\n  my_sim.v2: { type: simulated }\nmodels:\n  openai/gpt-4o:\n    deployments: [{ provider: my_sim.v2, model: echo }]\n  ns:model-1.5_b: { deployments: [{ provider: my_sim.v2, model: echo }] }\n");

        Assert.True(result.Success, string.Join("\n", result.Errors));
        Assert.Equal(["openai/gpt-4o", "ns:model-1.5_b"], result.Config!.Models.Keys);
    }

    [Fact]
    public void Parse_EnvironmentReferences_AreInterpolated()
    {
        const string yaml = """
            providers:
              oa:
                type: openai
                base_url: https://${HOST}:${PORT:-8080}/v1
                api_key: ${KEY}
                organization: $$org-${ORG:-none}
            """;

        var result = Parse(yaml, ("HOST", "proxy.test"), ("KEY", "sk-1"), ("ORG", ""));

        var provider = result.Config!.Providers["oa"];
        Assert.Equal("https://proxy.test:8080/v1", provider.BaseUrl);
        Assert.Equal("sk-1", provider.ApiKey);
        Assert.Equal("$org-none", provider.GetString("organization"));
    }

    [Fact]
    public void Parse_UnsetVariable_ReportsItsName()
    {
        var error = SingleError("server:\n  master_key: ${TOLLGATE_MASTER_KEY}\n");

        Assert.Equal(("server.master_key", "environment variable 'TOLLGATE_MASTER_KEY' is not set", 2, 15), (error.Path, error.Message, error.Line, error.Column));
    }

    [Fact]
    public void Parse_KeysAreNotInterpolated()
    {
        var error = SingleError("server:\n  ${KEY}: x\n", ("KEY", "master_key"));

        Assert.Equal("unknown key '${KEY}'", error.Message);
    }

    [Fact]
    public void Parse_EmptyOptionalStrings_BecomeNull()
    {
        const string yaml = """
            server:
              master_key: ${TOLLGATE_MASTER_KEY:-}
              data_dir: ""
            providers:
              oa:
                type: openai
                base_url: ${OPENAI_BASE_URL:-}
                api_key: ${OPENAI_API_KEY}
                organization:
            """;

        var result = Parse(yaml, ("OPENAI_API_KEY", ""));

        Assert.True(result.Success, string.Join("\n", result.Errors));
        Assert.Null(result.Config!.Server.MasterKey);
        Assert.Null(result.Config.Server.DataDirectory);
        var provider = result.Config.Providers["oa"];
        Assert.Null(provider.BaseUrl);
        Assert.Null(provider.ApiKey);
        Assert.Empty(provider.Settings);
    }

    [Fact]
    public void Parse_SecretOfWrongShape_DoesNotEchoIt()
    {
        var result = Parse("server:\n  master_key: [tg-secret-1]\nproviders:\n  oa:\n    type: openai\n    api_key: { sk-secret-2: x }\n");

        Assert.Equal(
            ["tollgate.yaml:2:15: server.master_key: expected a string", "tollgate.yaml:6:14: providers.oa.api_key: expected a string"],
            result.Errors.Select(e => e.Format("tollgate.yaml")));
        Assert.DoesNotContain(result.Errors, e => e.Message.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ProviderSettings_AreValidatedAndStored()
    {
        const string yaml = """
            providers:
              sim:
                type: simulated
                time_to_first_token: 250ms
                tokens_per_second: 42.5
                error_rate: 0
              oa:
                type: openai
                organization: org-1
                stream_usage: true
                headers:
                  X-Team: ${TEAM}
                  X-Trace: "on"
              claude:
                type: anthropic
                default_max_tokens: 4096
                max_tokens:
                  claude-opus-4-1: 32000
            """;

        var result = Parse(yaml, ("TEAM", "search"));

        Assert.True(result.Success, string.Join("\n", result.Errors));
        var sim = result.Config!.Providers["sim"];
        Assert.Equal(TimeSpan.FromMilliseconds(250), sim.Settings["time_to_first_token"].AsDuration());
        Assert.Equal(42.5, sim.GetNumber("tokens_per_second"));
        Assert.Equal(0, sim.GetNumber("error_rate"));
        var openai = result.Config.Providers["oa"];
        Assert.Equal("org-1", openai.GetString("organization"));
        Assert.True(openai.GetBoolean("stream_usage"));
        var headers = openai.GetMap("headers")!;
        Assert.Equal(["X-Team", "X-Trace"], headers.Keys);
        Assert.Equal("search", headers["X-Team"].AsString());
        Assert.Equal("on", headers["X-Trace"].AsString());
        var claude = result.Config.Providers["claude"];
        Assert.Equal(4096, claude.GetInteger("default_max_tokens"));
        Assert.Equal(32000, claude.GetMap("max_tokens")!["claude-opus-4-1"].AsInteger());
    }

    [Fact]
    public void Parse_BadProviderSettings_ReportsEach()
    {
        const string yaml = """
            providers:
              sim:
                type: simulated
                time_to_first_token: soon
                tokens_per_second: fast
              oa:
                type: openai
                organisation: org-1
                stream_usage: maybe
                headers: [X-Team]
                default_max_tokens: 5
              claude:
                type: anthropic
                default_max_tokens: 1.5
                max_tokens:
                  claude-opus-4-1: lots
                  claude-haiku-4-5: 100
            """;

        var result = Parse(yaml);

        Assert.Equal(
            [
                "tollgate.yaml:4:26: providers.sim.time_to_first_token: expected a duration such as 500ms, 10s or 2m, got 'soon'",
                "tollgate.yaml:5:24: providers.sim.tokens_per_second: expected a number, got 'fast'",
                "tollgate.yaml:8:5: providers.oa.organisation: unknown key 'organisation' (did you mean 'organization'?)",
                "tollgate.yaml:9:19: providers.oa.stream_usage: expected true or false, got 'maybe'",
                "tollgate.yaml:10:14: providers.oa.headers: expected a mapping",
                "tollgate.yaml:11:5: providers.oa.default_max_tokens: unknown key 'default_max_tokens'",
                "tollgate.yaml:14:25: providers.claude.default_max_tokens: expected an integer, got '1.5'",
                "tollgate.yaml:16:24: providers.claude.max_tokens.claude-opus-4-1: expected an integer, got 'lots'",
            ],
            result.Errors.Select(e => e.Format("tollgate.yaml")));
    }

    [Fact]
    public void Parse_Timeouts_OverrideDefaultsPerKey()
    {
        var result = Parse("providers:\n  sim:\n    type: simulated\n    timeouts: { connect: 500ms, first_byte: 2m, total: 1h }\n");

        Assert.Equal(
            new UpstreamTimeouts(TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(2), UpstreamTimeouts.Default.Idle, TimeSpan.FromHours(1)),
            result.Config!.Providers["sim"].Timeouts);
    }

    [Fact]
    public void Parse_PlainNumberTimeout_IsSeconds()
    {
        var result = Parse("providers:\n  sim:\n    type: simulated\n    timeouts:\n      idle: 30\n");

        Assert.Equal(TimeSpan.FromSeconds(30), result.Config!.Providers["sim"].Timeouts.Idle);
    }

    [Fact]
    public void Parse_BadTimeouts_ReportsEach()
    {
        var result = Parse("providers:\n  sim:\n    type: simulated\n    timeouts:\n      idle: 0s\n      total: -1m\n      conect: 1s\n");

        Assert.Equal(
            [
                "tollgate.yaml:5:13: providers.sim.timeouts.idle: must be greater than 0",
                "tollgate.yaml:6:14: providers.sim.timeouts.total: expected a duration such as 500ms, 10s or 2m, got '-1m'",
                "tollgate.yaml:7:7: providers.sim.timeouts.conect: unknown key 'conect' (did you mean 'connect'?)",
            ],
            result.Errors.Select(e => e.Format("tollgate.yaml")));
    }

    [Fact]
    public void LoadFile_MissingFile_ReturnsErrorWithoutThrowing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tollgate-missing-{Guid.NewGuid():N}", "tollgate.yaml");

        var result = ConfigLoader.LoadFile(path, ProviderTypes, Env());

        Assert.False(result.Success);
        var error = Assert.Single(result.Errors);
        Assert.Equal($"config file '{path}' not found", error.Message);
    }

    [Fact]
    public void LoadFile_ExistingFile_KeepsFullSourcePath()
    {
        var directory = Directory.CreateTempSubdirectory("tollgate-config-");
        try
        {
            var path = Path.Combine(directory.FullName, "tollgate.yaml");
            File.WriteAllText(path, ExampleYaml);

            var result = ConfigLoader.LoadFile(path, ProviderTypes, Env(ExampleEnv));

            Assert.True(result.Success, string.Join("\n", result.Errors));
            Assert.Equal(Path.GetFullPath(path), result.Config!.SourcePath);
            Assert.Equal(3, result.Config.Models.Count);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
