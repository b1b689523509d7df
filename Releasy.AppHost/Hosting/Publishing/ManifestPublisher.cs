using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Releasy.AppHost.Hosting.ApplicationModel;

namespace Releasy.AppHost.Hosting.Publishing;

/// <summary>
/// Writes the model in Aspire's manifest format (<c>{"resources":{name:{"type":…}}}</c>), with every cross-reference
/// kept as an expression such as <c>{releasydb.connectionString}</c>, so a deployment tool fills in its own values.
/// </summary>
public static class ManifestPublisher
{
    public const string PostgresImage = "docker.io/library/postgres";
    public const string PostgresTag = "17.6";

    public static void Publish(DistributedApplicationModel model, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var outputPath = configuration["output-path"] ?? "manifest.json";
        if (configuration["publisher"] != "manifest")
        {
            throw new DistributedApplicationException($"Unknown publisher '{configuration["publisher"]}': only 'manifest' exists.");
        }

        Write(model, configuration, Path.GetFullPath(outputPath));
    }

    public static void Write(DistributedApplicationModel model, IConfiguration configuration, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
        using var stream = File.Create(outputPath);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("$schema", "https://json.schemastore.org/aspire-8.0.json");
        json.WriteStartObject("resources");
        foreach (var resource in model.Resources)
        {
            json.WriteStartObject(resource.Name);
            WriteResource(json, resource, configuration, Path.GetDirectoryName(outputPath)!);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        stream.WriteByte((byte)'\n');
    }

    private static void WriteResource(Utf8JsonWriter json, IResource resource, IConfiguration configuration, string manifestDirectory)
    {
        switch (resource)
        {
            case ProjectResource project:
                json.WriteString("type", "project.v0");
                json.WriteString("path", Path.GetRelativePath(manifestDirectory, project.ProjectPath).Replace('\\', '/'));
                WriteEnvironment(json, resource, configuration);
                WriteBindings(json, resource);
                break;
            case PostgresServerResource server:
                json.WriteString("type", "container.v0");
                json.WriteString("connectionString", server.ConnectionStringExpression);
                json.WriteString("image", $"{PostgresImage}:{PostgresTag}");
                json.WriteStartObject("env");
                json.WriteString("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256");
                json.WriteString("POSTGRES_INITDB_ARGS", "--auth-host=scram-sha-256 --auth-local=scram-sha-256");
                json.WriteString("POSTGRES_USER", PostgresServerResource.UserName);
                json.WriteString("POSTGRES_PASSWORD", server.Password.ValueExpression);
                json.WriteEndObject();
                json.WriteStartObject("bindings");
                json.WriteStartObject("tcp");
                json.WriteString("scheme", "tcp");
                json.WriteString("protocol", "tcp");
                json.WriteString("transport", "tcp");
                json.WriteNumber("targetPort", 5432);
                json.WriteEndObject();
                json.WriteEndObject();
                break;
            case PostgresDatabaseResource database:
                json.WriteString("type", "value.v0");
                json.WriteString("connectionString", database.ConnectionStringExpression);
                break;
            case ConnectionStringResource connectionString:
                json.WriteString("type", "parameter.v0");
                json.WriteString("connectionString", connectionString.ConnectionStringExpression);
                WriteParameterValue(json, connectionString.Name, secret: true, generate: false);
                break;
            case ParameterResource parameter:
                json.WriteString("type", "parameter.v0");
                WriteParameterValue(json, parameter.Name, parameter.Secret, parameter.Generate);
                break;
        }
    }

    private static void WriteParameterValue(Utf8JsonWriter json, string name, bool secret, bool generate)
    {
        json.WriteString("value", $"{{{name}.inputs.value}}");
        json.WriteStartObject("inputs");
        json.WriteStartObject("value");
        json.WriteString("type", "string");
        if (secret)
        {
            json.WriteBoolean("secret", true);
        }

        if (generate)
        {
            json.WriteStartObject("default");
            json.WriteStartObject("generate");
            json.WriteNumber("minLength", 22);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteEnvironment(Utf8JsonWriter json, IResource resource, IConfiguration configuration)
    {
        var context = resource.EvaluateEnvironment(DistributedApplicationOperation.Publish, configuration);
        var endpointVariables = resource.GetEndpoints().Where(e => e.EnvironmentVariable is not null).ToList();
        json.WriteStartObject("env");
        foreach (var (name, value) in context.EnvironmentVariables)
        {
            json.WriteString(name, value is IManifestExpressionProvider expression ? expression.ValueExpression : value.ToString());
        }

        foreach (var endpoint in endpointVariables)
        {
            json.WriteString(endpoint.EnvironmentVariable!, $"{endpoint.TargetHost}:{{{resource.Name}.bindings.{endpoint.Name}.targetPort}}");
        }

        json.WriteEndObject();
    }

    private static void WriteBindings(Utf8JsonWriter json, IResource resource)
    {
        var endpoints = resource.GetEndpoints();
        if (endpoints.Count == 0)
        {
            return;
        }

        json.WriteStartObject("bindings");
        foreach (var endpoint in endpoints)
        {
            json.WriteStartObject(endpoint.Name);
            json.WriteString("scheme", endpoint.Scheme);
            json.WriteString("protocol", "tcp");
            json.WriteString("transport", "http");
            if (endpoint.Port is { } port)
            {
                json.WriteNumber("targetPort", port);
            }

            if (endpoint.IsExternal)
            {
                json.WriteBoolean("external", true);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }
}
