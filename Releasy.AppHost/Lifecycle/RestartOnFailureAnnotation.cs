namespace Releasy.AppHost.Lifecycle;

/// <summary>
/// Restart the resource when it exits with a non-zero code: after <see cref="FirstDelay"/>, doubling up to
/// <see cref="MaxDelay"/>, at most <see cref="MaxRestarts"/> times within <see cref="Window"/>.
/// </summary>
public sealed record RestartOnFailureAnnotation(int MaxRestarts, TimeSpan FirstDelay, TimeSpan MaxDelay, TimeSpan Window) : IResourceAnnotation
{
    public TimeSpan DelayBefore(int restart) =>
        TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, FirstDelay.Ticks << Math.Min(restart - 1, 20)));
}
