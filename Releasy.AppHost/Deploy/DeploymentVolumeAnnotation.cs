namespace Releasy.AppHost.Deploy;

/// <summary>
/// Storage a project needs once deployed (a project has no container mounts in the model): the deployment files
/// mount a volume named <see cref="Name"/> at <see cref="Target"/> and, when <see cref="Variable"/> is set, tell the
/// service the path through it. The manifest does not show it: it is a concern of the generated files only.
/// </summary>
public sealed record DeploymentVolumeAnnotation(string Name, string Target, string? Variable) : IResourceAnnotation;
