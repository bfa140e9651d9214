import unittest

from app import app, greeting


class AppTest(unittest.TestCase):
    def test_greeting(self):
        self.assertEqual(greeting("team"), "Hello, team! Deployed by Slipway.")

    def test_wsgi_response(self):
        seen = {}

        def start_response(status, headers):
            seen["status"] = status

        body = b"".join(app({"QUERY_STRING": "name=ci"}, start_response))
        self.assertEqual(seen["status"], "200 OK")
        self.assertIn(b"Hello, ci!", body)


if __name__ == "__main__":
    unittest.main()
