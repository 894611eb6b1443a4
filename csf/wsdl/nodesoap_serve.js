// A check that a third-party SOAP toolkit, node-soap (npm package "soap"),
// loads UserManager.wsdl and serves it as it is. Not part of the tests (it
// needs Node.js and npm):
//
//   npm install soap@1 && node csf/wsdl/nodesoap_serve.js
//
// serves every operation at http://127.0.0.1:18081/IdentityManager/UserManager.asmx
// (and the WSDL at ?wsdl), answering as docs/csf.md infers; a csf.Client
// pointed at it with WithInsecureHTTP calls all nine methods. The requests it
// receives are logged to stderr as node-soap reads them.
const soap = require('soap'); const http = require('http'); const fs = require('fs');
const wsdl = fs.readFileSync(__dirname + '/UserManager.wsdl', 'utf8');
const ok = (rc) => ({ RequestContext: rc, ResultCode: 0, ResultMessage: 'Success' });
const svc = { UserManager: { UserManagerSoap: {
  CreateUser: (a) => { console.error('CreateUser', JSON.stringify(a)); return ok(a.RequestContext); },
  DeleteUser: (a) => ok(a.RequestContext),
  ReadUser: (a) => Object.assign(ok(a.UserAccount.RequestContext), { UserAccount: { UserId: a.UserAccount.UserId, PropertyTable: { Properties: { PropertyElement: [{ Name: 'company', Value: 'Amazon' }] } } } }),
  UpdateUser: (a) => ok(a.UserAccount.RequestContext),
  UserInGroup: (a) => Object.assign(ok(a.RequestContext), { IsInGroup: true }),
  ReadUsers: (a) => { console.error('ReadUsers', JSON.stringify(a)); return Object.assign(ok(a.RequestContext), { PagingInfo: { CurrentPage: 1, LastPage: 1, PageSize: 5, PageIsVolatile: false, FirstItem: 1, LastItem: 1, TotalItems: 1,
      UserAccountTable: { UserAccounts: { UserAccount: [{ UserId: 'testmonkey1@csf.com', PropertyTable: { Properties: { Property: [{ attributes: { OperationType: 'OverWrite' }, Name: 'samaccountname', Values: { Value: ['testmonkey1'] } }] } } }] } } } }); },
  UpdateUsers: (a) => ok(a.RequestContext),
  UpdatePassword: (a) => ok(a.RequestContext),
  SetPassword: (a) => ok(a.RequestContext),
} } };
const server = http.createServer((req, res) => { res.statusCode = 404; res.end(); });
server.listen(18081, () => {
  soap.listen(server, '/IdentityManager/UserManager.asmx', svc, wsdl, () => console.error('listening'));
});
