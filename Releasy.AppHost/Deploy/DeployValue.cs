using System.Globalization;
using System.Text;

namespace Releasy.AppHost.Deploy;

/// <summary>One piece of a deployed setting: text, a secret, or an address of another service.</summary>
public abstract record ValuePart;

public sealed record TextPart(string Text) : ValuePart;

/// <summary>The value of a secret parameter; never known when the files are written.</summary>
public sealed record SecretPart(string Parameter) : ValuePart
{
    /// <summary>The environment-file variable that holds it: <c>admin-key</c> → <c>ADMIN_KEY</c>.</summary>
    public string Variable => Parameter.Replace('-', '_').ToUpperInvariant();
}

/// <summary>A property of a service's endpoint, resolved by each target (a DNS name there, a public URL for the public endpoint).</summary>
public sealed record EndpointPart(string Resource, string Endpoint, EndpointProperty Property) : ValuePart;

/// <summary>A setting as the model states it, before a target renders it.</summary>
public sealed record DeployValue(IReadOnlyList<ValuePart> Parts)
{
    public static DeployValue Text(string text) => new([new TextPart(text)]);

    public IEnumerable<SecretPart> Secrets => Parts.OfType<SecretPart>();

    public IEnumerable<string> ReferencedResources => Parts.OfType<EndpointPart>().Select(p => p.Resource);

    /// <summary>The single secret this value is, if it is nothing else.</summary>
    public SecretPart? AsSingleSecret => Parts is [SecretPart secret] ? secret : null;

    public string Render(Func<ValuePart, string> render)
    {
        var text = new StringBuilder();
        foreach (var part in Parts)
        {
            text.Append(render(part));
        }

        return text.ToString();
    }
}

/// <summary>
/// Turns what the app model holds in publish mode (strings, reference expressions, parameters, endpoint and
/// connection-string references) into <see cref="DeployValue"/>s. Anything it cannot translate stops the
/// generation with its manifest expression, rather than writing a setting that would be wrong.
/// </summary>
public static class DeployValueReader
{
    public static DeployValue Read(object? value) => new(Expand(value).ToList());

    private static IEnumerable<ValuePart> Expand(object? value) => value switch
    {
        null => [],
        string text => [new TextPart(text)],
        bool flag => [new TextPart(flag ? "true" : "false")],
        int or long => [new TextPart(Convert.ToString(value, CultureInfo.InvariantCulture)!)],
        ReferenceExpression { IsConditional: true } conditional =>
            throw new DistributedApplicationException($"deployment files: a conditional setting ({conditional.ValueExpression}) cannot be translated"),
        ReferenceExpression expression => ExpandFormat(expression),
        ConnectionStringReference reference => Expand(reference.Resource.ConnectionStringExpression),
        IResourceWithConnectionString resource => Expand(resource.ConnectionStringExpression),
        ParameterResource { Secret: true } parameter => [new SecretPart(parameter.Name)],
        EndpointReference endpoint => [new EndpointPart(endpoint.Resource.Name, endpoint.EndpointName, EndpointProperty.Url)],
        EndpointReferenceExpression property => [new EndpointPart(property.Endpoint.Resource.Name, property.Endpoint.EndpointName, property.Property)],
        IManifestExpressionProvider other =>
            throw new DistributedApplicationException($"deployment files: {other.ValueExpression} cannot be translated"),
        _ => throw new DistributedApplicationException($"deployment files: a setting of type {value.GetType().Name} cannot be translated"),
    };

    // The format is string.Format's: {n} (or {n:format}) stands for the n-th value provider, {{ and }} for braces.
    // A format such as "uri" (percent-encoding) cannot be applied to a value that is only known at deployment:
    // secrets are generated URL-safe instead (see .env.example).
    private static IEnumerable<ValuePart> ExpandFormat(ReferenceExpression expression)
    {
        var format = expression.Format;
        var text = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if ((c == '{' || c == '}') && i + 1 < format.Length && format[i + 1] == c)
            {
                text.Append(c);
                i++;
                continue;
            }

            if (c != '{')
            {
                text.Append(c);
                continue;
            }

            var end = format.IndexOf('}', i);
            var index = int.Parse(format.AsSpan(i + 1, end - i - 1).ToString().Split(':')[0], CultureInfo.InvariantCulture);
            if (text.Length > 0)
            {
                yield return new TextPart(text.ToString());
                text.Clear();
            }

            foreach (var part in Expand(expression.ValueProviders[index]))
            {
                yield return part;
            }

            i = end;
        }

        if (text.Length > 0)
        {
            yield return new TextPart(text.ToString());
        }
    }
}
