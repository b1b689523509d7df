using System.Text.RegularExpressions;

namespace Releasy.AppHost.Hosting.ApplicationModel;

public abstract partial class Resource : IResource
{
    protected Resource(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!ValidName().IsMatch(name))
        {
            throw new ArgumentException(
                $"Resource name '{name}' is invalid: use 1 to 64 lowercase letters, digits and hyphens, starting with a letter.",
                nameof(name));
        }

        Name = name;
    }

    public string Name { get; }

    public ResourceAnnotationCollection Annotations { get; } = [];

    public override string ToString() => Name;

    [GeneratedRegex("^[a-z][a-z0-9-]{0,63}$")]
    private static partial Regex ValidName();
}
