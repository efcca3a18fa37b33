using System.Buffers;
using System.Text.Json;
using Tollgate.Core.Errors;
using Tollgate.Core.Gateway;
using Tollgate.Core.Keys;
using Tollgate.Server.Endpoints.Anthropic;

namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary>
/// <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the config's model names, in config order; in Anthropic's
/// shape (<see cref="AnthropicModelsWriter"/>, errors included) when the request carries <c>anthropic-version</c>.
/// </summary>
internal sealed class ModelsEndpoints(GatewayState state, IRequestAuthenticator authenticator, TimeProvider time)
{
    private readonly long _created = time.GetUtcNow().ToUnixTimeSeconds();

    public async Task ListAsync(HttpContext http)
    {
        if (!await AuthenticateAsync(http))
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        if (AnthropicModelsWriter.IsAnthropicClient(http.Request))
        {
            try
            {
                using var anthropic = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions);
                AnthropicModelsWriter.WriteList(anthropic, [.. state.Current.Config.Models.Keys], http.Request.Query, DateTimeOffset.FromUnixTimeSeconds(_created));
            }
            catch (GatewayException ex)
            {
                await WriteErrorAsync(http, ex);
                return;
            }

            await WriteJsonAsync(http, buffer);
            return;
        }

        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var name in state.Current.Config.Models.Keys)
            {
                WriteModel(writer, name);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await WriteJsonAsync(http, buffer);
    }

    public async Task GetAsync(HttpContext http, string id)
    {
        if (!await AuthenticateAsync(http))
        {
            return;
        }

        if (!state.Current.Config.Models.ContainsKey(id))
        {
            await WriteErrorAsync(http, GatewayException.ModelNotFound(id));
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            if (AnthropicModelsWriter.IsAnthropicClient(http.Request))
            {
                AnthropicModelsWriter.WriteModel(writer, id, DateTimeOffset.FromUnixTimeSeconds(_created));
            }
            else
            {
                WriteModel(writer, id);
            }
        }

        await WriteJsonAsync(http, buffer);
    }

    private static Task WriteJsonAsync(HttpContext http, ArrayBufferWriter<byte> buffer)
    {
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = buffer.WrittenCount;
        return http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted).AsTask();
    }

    private static Task WriteErrorAsync(HttpContext http, Exception exception) => AnthropicModelsWriter.IsAnthropicClient(http.Request)
        ? AnthropicErrorWriter.WriteAsync(http, exception)
        : OpenAIErrorWriter.WriteAsync(http, exception);

    private void WriteModel(Utf8JsonWriter writer, string name)
    {
        writer.WriteStartObject();
        writer.WriteString("id", name);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", _created);
        writer.WriteString("owned_by", "tollgate");
        writer.WriteEndObject();
    }

    private async Task<bool> AuthenticateAsync(HttpContext http)
    {
        var key = BearerToken.Read(http.Request);
        if (await authenticator.AuthenticateAsync(key, http.RequestAborted) is not null)
        {
            return true;
        }

        await WriteErrorAsync(http, GatewayException.Unauthorized(key is null
            ? "Missing API key. Send it as 'Authorization: Bearer <key>'."
            : "Incorrect API key provided."));
        return false;
    }
}
