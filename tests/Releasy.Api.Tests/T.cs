namespace Releasy.Api.Tests; public class T { [Fact] public void A() {} }
