namespace Releasy.ServiceDefaults; internal static class X {}
